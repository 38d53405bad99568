package org.pipelinekit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepInterceptor;

/**
 * {@code run --debug-on-failure}: notes the first step that fails (its stage, job, command, environment and directory
 * in the job's workspace, which the executor keeps), and once the run has ended opens an interactive shell there with
 * that environment; what the shell prints reaches the terminal with the run's secrets masked.
 */
final class DebugShell implements StepInterceptor {
  /** The job to debug: {@code what} says how it ended ("whose step 'compile' failed"), {@code env} and {@code directory} where to. */
  record Failed(String stageId, String jobId, String what, Map<String, String> env, Path directory) {}

  private final AtomicReference<Failed> first = new AtomicReference<>();

  @Override
  public String id() {
    return "debug-on-failure";
  }

  @Override
  public CompletionStage<StepExit> intercept(Chain chain) {
    var c = chain.context();
    Map<String, String> env = chain.request().map(r -> r.env()).orElseGet(c::env);
    Path dir = chain.request().map(r -> r.workingDirectory()).orElseGet(c::workspace);
    return chain.proceed().whenComplete((exit, error) -> {
      if (error != null || !exit.succeeded()) {
        first.compareAndSet(null, new Failed(c.stage().id(), c.jobId(), "whose step '" + c.stepName() + "' failed", env, dir));
      }
    });
  }

  Optional<Failed> failed() {
    return Optional.ofNullable(first.get());
  }

  /** Opens the shell in the failed step's directory and waits for it to end; says why when it cannot. */
  static void open(Failed f, SecretStore secrets, PrintWriter out, PrintWriter err) {
    if (!Files.isDirectory(f.directory())) {
      err.println("debug: the workspace of " + f.jobId() + " is gone (" + f.directory() + ")");
      return;
    }
    List<String> values = new ArrayList<>();
    for (String name : secrets.names()) secrets.get(name).filter(v -> v.length() >= 3).ifPresent(values::add);
    values.sort(Comparator.comparingInt(String::length).reversed()); // a longer secret before one it contains
    out.println("⌨ debug shell for " + f.jobId() + ", " + f.what() + ": in " + f.directory()
        + " with the step's environment (secrets masked in what it prints); `exit` ends it");
    out.flush();
    String shell = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
    ProcessBuilder pb = new ProcessBuilder(shell.endsWith("bash") ? List.of(shell, "--norc", "--noprofile", "-i") : List.of(shell, "-i"))
        .directory(f.directory().toFile()).redirectInput(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = pb.environment();
    env.putAll(f.env());
    env.put("PS1", "[debug " + f.jobId() + "] $ ");
    try {
      Process p = pb.start();
      Thread errors = new Thread(() -> copy(p.getErrorStream(), values, out), "pipelinekit-debug-stderr");
      errors.start();
      copy(p.getInputStream(), values, out);
      errors.join();
      int code = p.waitFor();
      out.println("⌨ debug shell ended (" + code + ")");
      out.flush();
    } catch (IOException e) {
      err.println("debug: cannot start " + shell + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies what the shell prints, as it comes, with every secret value replaced by {@code ***}. */
  private static void copy(InputStream in, List<String> secrets, PrintWriter out) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        String text = new String(buf, 0, n, StandardCharsets.UTF_8);
        for (String s : secrets) text = text.replace(s, "***");
        synchronized (out) {
          out.print(text);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the shell is gone
    }
  }
}
