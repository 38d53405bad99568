package org.pipelinekit.benchmarks.harness;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;
import org.pipelinekit.docker.DockerRunner;
import org.pipelinekit.docker.PullPolicy;

/**
 * Container stage start-up: the time from beginning to create a container to the step's first line
 * of output, for {@link DockerRunner} (as it reports it in {@code StepStarted}) and for
 * {@code docker run --rm} of the same image and command (from starting the CLI to reading its first
 * line), alternating, after {@value #WARMUP} warm-up rounds each. Prints both medians and the ratio;
 * the goal is DockerRunner ≤ 1.0 × the CLI.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.ContainerStartup [image] [rounds]</pre>
 */
public final class ContainerStartup {
  static final int WARMUP = 3;

  private ContainerStartup() {}

  public static void main(String[] args) throws Exception {
    String image = args.length > 0 ? args[0] : "pipelinekit/busybox:test";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Files.createTempDirectory("container-startup-");
    List<Double> runner = new ArrayList<>();
    List<Double> cli = new ArrayList<>();
    try (DockerRunner docker = DockerRunner.builder().pullPolicy(PullPolicy.NEVER).build()) {
      for (int i = 0; i < WARMUP + rounds; i++) {
        double r = viaRunner(docker, image, dir);
        double c = viaCli(image);
        if (i >= WARMUP) {
          runner.add(r);
          cli.add(c);
        }
      }
    }
    double mr = Harness.median(runner);
    double mc = Harness.median(cli);
    System.out.printf(Locale.ROOT, "container start-up (create -> first output line), median of %d: DockerRunner %.1f ms,"
        + " docker run --rm %.1f ms, ratio %.2fx (goal <= 1.0x)%n", rounds, mr, mc, mr / mc);
    System.out.printf(Locale.ROOT, "  DockerRunner min %.1f max %.1f; docker run min %.1f max %.1f%n",
        Collections.min(runner), Collections.max(runner), Collections.min(cli), Collections.max(cli));
  }

  private static double viaRunner(DockerRunner docker, String image, Path dir) throws Exception {
    CompletableFuture<Duration> startup = new CompletableFuture<>();
    StepExit exit = docker.start(new StepRequest("echo hi", Map.of(), dir, Optional.of(image), Optional.empty(),
        Map.of("pipelinekit.benchmark", "startup")), new StepOutput() {
          @Override
          public void line(String text) {}

          @Override
          public void started(Duration d) {
            startup.complete(d);
          }
        }).exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (!exit.succeeded()) throw new IllegalStateException("step failed: " + exit);
    return startup.get().toNanos() / 1e6;
  }

  private static double viaCli(String image) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("docker", "run", "--rm", "--init", "--network", "none", image, "echo", "hi")
        .redirectErrorStream(true).start();
    double ms;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      ms = (System.nanoTime() - start) / 1e6;
      if (!"hi".equals(first)) throw new IllegalStateException("docker run printed " + first);
      while (out.readLine() != null) {
        // drain
      }
    }
    if (p.waitFor() != 0) throw new IllegalStateException("docker run failed");
    return ms;
  }
}
