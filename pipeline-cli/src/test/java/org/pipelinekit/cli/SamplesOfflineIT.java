package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample in samples/pipelines runs green with the jar from the checkout's root, as its header says, with no network:
 * the Java services are cloned from the git bundle under samples/projects, the monorepo installs from npm's offline cache.
 * The deploy sample needs a cluster and is skipped with a message saying so.
 */
class SamplesOfflineIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  private String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JarCommands.java(), "-jar", SharedDatabaseJarIT.JAR.toAbsolutePath().toString(), "run"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--data-dir", Files.createTempDirectory(dir, "data").toString()));
    if (!Files.exists(ROOT.resolve(".git")) && !List.of(args).contains("--workspace")) { // no git to copy by: the samples alone
      Path copy = Files.createDirectories(dir.resolve("workspace"));
      if (!Files.exists(copy.resolve("samples"))) org.pipelinekit.core.files.FileTrees.copy(ROOT.resolve("samples"), copy.resolve("samples"));
      cmd.addAll(List.of("--workspace", copy.toString()));
    }
    Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
    assertThat(out).contains("SUCCEEDED").doesNotContain("\tat ");
    return out;
  }

  @Test
  void parallel() throws Exception {
    assertThat(run("samples/pipelines/parallel.yaml", "--branch", "main", "-q")).contains("✓ publish success");
  }

  @Test
  void javaCi_clonesTheBundledServiceBuildsTestsAndDeploysOnceApproved() throws Exception {
    assertThat(run("samples/pipelines/java-ci.yaml", "--branch", "main", "--approve", "deploy"))
        .contains("✓ checkout success", "✓ build success", "✓ deploy success", "deploying greeter 1.0.0 to staging");
  }

  @Test
  void mavenCi_withTheScanSoftFailingWithoutOsvScanner() throws Exception {
    assertThat(run("samples/pipelines/maven-ci.pipeline.kts", "--branch", "main", "-q"))
        .contains("✓ test success", "dependency-scan soft-failure", "✓ package success");
  }

  @Test
  void nodeMonorepo() throws Exception {
    assertThat(run("samples/pipelines/node-monorepo.pipeline.kts", "--workspace", "samples/monorepo", "--branch", "main", "-q"))
        .contains("✓ build success", "✓ publish success");
  }

  @Test
  void deploy_needsACluster() throws Exception {
    assertThat(Files.readString(ROOT.resolve("samples/pipelines/deploy.pipeline.kts"))).contains("// Needs a cluster:");
    Assumptions.abort("samples/pipelines/deploy.pipeline.kts deploys to a Kubernetes cluster and posts to Slack: it needs a cluster,"
        + " so it is not run offline (its header says how to run it against one)");
  }
}
