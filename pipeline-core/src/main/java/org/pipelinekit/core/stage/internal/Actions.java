package org.pipelinekit.core.stage.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.BatchingProgressMonitor;
import org.pipelinekit.core.files.Glob;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;

/** The built-in types' in-process steps. */
final class Actions {
  private Actions() {}

  /** A step that fails at once with a message saying what is missing. */
  static PlannedStep unavailable(String name, String message) {
    return new PlannedStep.Action(name, () -> context -> {
      context.log("error: " + message);
      return CompletableFuture.completedFuture(StepExit.runnerError(message));
    });
  }

  /** Clones with JGit: remote URLs and local repositories alike, no git binary needed. */
  static PlannedStep gitClone(String repository, String branch, long depth, boolean submodules, String directory) {
    return new PlannedStep.Action("clone " + repository, () -> new StepAction() {
      private final AtomicBoolean cancelled = new AtomicBoolean();

      @Override
      public CompletionStage<StepExit> run(StepContext ctx) {
        return CompletableFuture.supplyAsync(() -> clone(ctx), ctx.blockingExecutor());
      }

      private StepExit clone(StepContext ctx) {
        Path target = ctx.workspace().resolve(directory).normalize();
        if (!target.startsWith(ctx.workspace())) {
          ctx.log("error: directory " + directory + " is outside the workspace");
          return StepExit.of(1);
        }
        boolean local = !repository.contains("://") || repository.startsWith("file:");
        String uri = local && !repository.startsWith("file:") ? ctx.workspace().resolve(repository).toUri().toString() : repository;
        try {
          if (Files.isDirectory(target)) {
            try (var entries = Files.list(target)) {
              if (entries.findAny().isPresent()) {
                ctx.log("error: " + (directory.equals(".") ? "the workspace" : directory) + " is not empty; clone into another directory");
                return StepExit.of(1);
              }
            }
          }
          ctx.log("cloning " + repository + " (" + branch + ")" + (depth > 0 && !local ? " with depth " + depth : ""));
          CloneCommand clone = Git.cloneRepository().setURI(uri).setDirectory(target.toFile()).setBranch(branch)
              .setCloneSubmodules(submodules)
              .setProgressMonitor(new BatchingProgressMonitor() {
                @Override protected void onUpdate(String taskName, int workCurr, Duration duration) { }
                @Override protected void onEndTask(String taskName, int workCurr, Duration duration) {
                  ctx.log(taskName + ": " + workCurr);
                }
                @Override protected void onUpdate(String taskName, int workCurr, int workTotal, int percentDone, Duration duration) { }
                @Override protected void onEndTask(String taskName, int workCurr, int workTotal, int percentDone, Duration duration) {
                  ctx.log(taskName + ": " + workCurr + "/" + workTotal);
                }
                @Override public boolean isCancelled() {
                  return cancelled.get();
                }
              });
          if (depth > 0 && !local) clone.setDepth((int) depth);
          try (Git git = clone.call()) {
            var head = git.getRepository().resolve("HEAD");
            if (head == null) {
              ctx.log("error: branch " + branch + " has no commits");
              return StepExit.of(1);
            }
            ctx.output("commit", head.getName());
            ctx.output("source_dir", target.toString());
            ctx.log("checked out " + head.getName());
          }
          return StepExit.SUCCESS;
        } catch (GitAPIException | org.eclipse.jgit.api.errors.JGitInternalException e) {
          ctx.log("error: cannot clone " + repository + " (" + branch + "): " + rootMessage(e));
          return StepExit.of(cancelled.get() ? 130 : 1);
        } catch (IOException e) {
          ctx.log("error: " + e.getMessage());
          return StepExit.of(1);
        }
      }

      @Override
      public void cancel() {
        cancelled.set(true);
      }
    });
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  /** An HTTP call with the JDK client; 2xx succeeds, anything else fails with the status in the log. */
  static PlannedStep webhook(String url, String method, Map<String, Object> headers, Optional<String> body) {
    return new PlannedStep.Action(method + " " + url, () -> new StepAction() {
      private volatile CompletableFuture<HttpResponse<String>> call;

      @Override
      public CompletionStage<StepExit> run(StepContext ctx) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach((k, v) -> req.header(k, String.valueOf(v)));
        if (body.isPresent() && headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("content-type"))) {
          req.header("Content-Type", body.get().strip().startsWith("{") ? "application/json" : "text/plain");
        }
        req.method(method.toUpperCase(Locale.ROOT), body.map(HttpRequest.BodyPublishers::ofString)
            .orElse(HttpRequest.BodyPublishers.noBody()));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .executor(ctx.blockingExecutor()).build();
        call = client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString());
        return call.handle((response, error) -> {
          if (error != null) {
            ctx.log("error: " + method + " " + url + " failed: " + rootMessage(error));
            return StepExit.runnerError("webhook call failed: " + rootMessage(error));
          }
          ctx.output("status", Integer.toString(response.statusCode()));
          ctx.log(method + " " + url + " → HTTP " + response.statusCode());
          if (response.statusCode() / 100 != 2) {
            String text = response.body();
            ctx.log("response: " + (text.length() > 2000 ? text.substring(0, 2000) + "…" : text));
            return StepExit.of(1);
          }
          return StepExit.SUCCESS;
        });
      }

      @Override
      public void cancel() {
        CompletableFuture<HttpResponse<String>> c = call;
        if (c != null) c.cancel(true);
      }
    });
  }

  /**
   * After a unit-tests command: reads its JUnit reports and coverage, sets the passed, tests,
   * failures, coverage and report outputs, and fails when the command failed or coverage is below
   * the threshold.
   */
  /** How many failed tests' ids the {@code failed_tests} output lists. */
  static final int MAX_FAILED_TESTS = 200;

  static PlannedStep testReports(String reportGlob, Optional<String> coverageFile, Optional<Double> threshold, boolean failOnFailures) {
    return new PlannedStep.Action("read test reports", () -> context -> CompletableFuture.supplyAsync(() -> {
      int commandExit = Integer.parseInt(context.outputs().getOrDefault("command_exit", "0"));
      List<Path> reports = Glob.find(context.workspace(), List.of(reportGlob));
      boolean ok = commandExit == 0;
      try {
        if (reports.isEmpty()) {
          context.log("no test reports match " + reportGlob);
        } else {
          TestReports.Counts c = TestReports.junit(reports.stream().map(context.workspace()::resolve).toList());
          context.log("tests: " + c.tests() + ", passed: " + c.passed() + ", failures: " + c.failures() + ", errors: " + c.errors()
              + ", skipped: " + c.skipped() + " (" + reports.size() + " report" + (reports.size() == 1 ? "" : "s") + ")");
          context.output("tests", Integer.toString(c.tests()));
          context.output("failures", Integer.toString(c.failures() + c.errors()));
          // which tests failed, one id a line (the first 200): for gates against the default branch and flaky-test detection
          List<String> failed = c.failed().stream().limit(MAX_FAILED_TESTS).toList();
          context.output("failed_tests", String.join("\n", failed));
          if (!c.failed().isEmpty()) {
            context.log("failed: " + String.join(", ", failed.subList(0, Math.min(10, failed.size())))
                + (c.failed().size() > 10 ? " and " + (c.failed().size() - 10) + " more" : ""));
          }
          context.output("report", reports.size() == 1 ? reports.get(0).toString() : reportGlob);
          int failing = c.failures() + c.errors();
          // a test command exits non-zero when a test fails; with failures left to the gates, that exit is the failures'
          if (!failOnFailures && failing > 0 && commandExit != 0) {
            context.log(failing + " failing test" + (failing == 1 ? "" : "s") + " left to the stage's gates (fail_on_failures: false)");
            ok = true;
          }
          ok = ok && (failing == 0 || !failOnFailures);
        }
        if (coverageFile.isPresent()) {
          Path f = context.workspace().resolve(coverageFile.get());
          if (!Files.isRegularFile(f)) {
            context.log("error: coverage file " + coverageFile.get() + " not found");
            ok = false;
          } else {
            Optional<Double> cov = TestReports.coverage(f);
            if (cov.isEmpty()) {
              context.log("error: " + coverageFile.get() + " holds no coverage figure");
              ok = false;
            } else {
              String pct = String.format(Locale.ROOT, "%.2f", cov.get());
              context.output("coverage", pct);
              context.log("line coverage: " + pct + "%");
              if (threshold.isPresent() && cov.get() < threshold.get()) {
                context.log("error: coverage " + pct + "% is below the threshold of " + threshold.get() + "%");
                ok = false;
              }
            }
          }
        }
      } catch (IOException e) {
        context.log("error: " + e.getMessage());
        ok = false;
      }
      context.output("passed", Boolean.toString(ok));
      return ok ? StepExit.SUCCESS : StepExit.of(commandExit != 0 ? commandExit : 1);
    }, context.blockingExecutor()));
  }
}
