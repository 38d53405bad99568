package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.imports.CiImport;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.simulate.DryRun;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.validate.PipelineValidationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run a pipeline file with the local runner, printing progress and logs as they come.")
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Pipeline file (" + PipelineFiles.KINDS + ")")
  Path file;

  @Option(names = "--pipeline", paramLabel = "ID", description = "Which pipeline to run when the file defines several")
  String pipelineId;

  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A parameter value; repeat for more")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--branch", description = "The branch the run is for (read as $${{ branch }}; default: the checked-out branch"
      + " of the repository the jobs start from)")
  String branch;

  @Option(names = "--commit", paramLabel = "SHA", description = "The commit the run is for (read as $${{ commit }}; default: the"
      + " repository's HEAD)")
  String commit;

  @Option(names = "--workspace", description = "Directory the jobs start from: each job runs in a copy of it (a pipeline with"
      + " workspace: shared, all jobs in one copy), so DIR is never written (default: a copy of the directory you run the"
      + " command in, or of the git repository it is in; for an imported CI file, of the file's repository)")
  Path workspace;

  @Option(names = "--data-dir", description = "Where executions and logs are kept (default: a new temporary directory)")
  Path dataDir;

  @Option(names = "--cache-dir", description = "Where stage caches and memoized stages are kept; give the same one to later runs to"
      + " reuse them (default: the data directory's cache)")
  Path cacheDir;

  @Option(names = {"-j", "--jobs"}, description = "Jobs run at once (default: number of CPUs, at least 2)")
  Integer jobs;

  @Option(names = {"-q", "--quiet"}, description = "Print stage results only, not log lines")
  boolean quiet;

  @Option(names = "--from", paramLabel = "KIND", converter = ImportCommand.Kinds.class,
      description = "Import the file first: gha, gitlab, bitbucket or jenkins (found by name for .github/workflows/*, .gitlab-ci.yml, "
          + "bitbucket-pipelines.yml and Jenkinsfile)")
  CiImport.Kind from;

  @Option(names = "--secrets-file", paramLabel = "FILE", description = "NAME=value lines read as $${{ secrets.NAME }} (with"
      + " --data-dir, on top of the secrets stored there by 'pipelinekit secrets set'); a secret the pipeline names but no one"
      + " has is an error before the run")
  Path secretsFile;

  @Option(names = "--trusted-keys", paramLabel = "DIR", description = "Run the pipeline only if one of the keys in DIR (NAME.pub"
      + " files) signed it and it is unchanged since (pipelinekit sign)")
  Path trustedKeys;

  @Option(names = "--stage", paramLabel = "ID", description = "Run only this stage and the stages it needs; repeat for more")
  List<String> only = new ArrayList<>();

  @Option(names = "--dry-run", description = "Print what the run would do — each stage with its condition evaluated, its matrix"
      + " expanded, its commands and variables rendered (secrets by name), its caches and artifacts — without starting anything;"
      + " every step is taken to succeed and every approval to be given")
  boolean dryRun;

  @Option(names = "--debug-on-failure", description = "When a step fails, keep its job's workspace and, once the run has"
      + " ended, open an interactive shell there with the step's environment (what it prints has the run's secrets masked)")
  boolean debugOnFailure;

  @Option(names = "--event", paramLabel = "KIND", description = "What triggers the run, as $${{ trigger.kind }} reads it: push,"
      + " pull-request, schedule, manual (the default), api or upstream")
  String event;

  @Option(names = "--approve", paramLabel = "ID", description = "Approve this stage when it waits for approval (a GitLab or"
      + " Bitbucket manual job, a deployment); repeat for more, or 'all'. Other approvals are asked for when the run has a"
      + " terminal, else rejected")
  List<String> approve = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<CiImport.Kind> kind = from != null ? Optional.of(from) : CiImport.detectByName(file);
    Optional<Pipeline> pipeline = PipelineFiles.read(file, pipelineId, from, err);
    if (pipeline.isEmpty()) return Main.INVALID;
    if (trustedKeys != null) { // the file as signed, before --stage picks some of it: refused before anything runs
      try {
        Optional<String> refusal = org.pipelinekit.core.sign.PipelineSignatures.Trusted.inDirectory(trustedKeys).refusal(pipeline.get());
        if (refusal.isPresent()) {
          err.println(file + ": error: " + refusal.get());
          return Main.INVALID;
        }
      } catch (org.pipelinekit.core.PipelineException e) {
        err.println("error: --trusted-keys: " + e.getMessage());
        return Main.INVALID;
      }
    }
    if (!only.isEmpty()) {
      Set<String> known = pipeline.get().stages().stream().map(Stage::id).collect(java.util.stream.Collectors.toSet());
      List<String> unknown = only.stream().filter(s -> !known.contains(s)).toList();
      if (!unknown.isEmpty()) {
        err.println(file + ": error: no stage " + unknown + " here; the stages are " + known.stream().sorted().toList());
        return Main.INVALID;
      }
      pipeline = Optional.of(withNeeds(pipeline.get(), only));
    }
    Set<String> stageIds = pipeline.get().stages().stream().map(Stage::id).collect(java.util.stream.Collectors.toSet());
    List<String> unknownApprovals = approve.stream().filter(a -> !a.equals("all") && !stageIds.contains(a)).toList();
    if (!unknownApprovals.isEmpty()) {
      err.println(file + ": error: --approve names no stage " + unknownApprovals + "; the stages are " + stageIds.stream().sorted().toList());
      return Main.INVALID;
    }
    List<org.pipelinekit.core.model.Parameter> missing = pipeline.get().parameters().stream()
        .filter(p -> p.required() && p.defaultValue().isEmpty() && !params.containsKey(p.name())).toList();
    if (!missing.isEmpty()) { // said before anything is copied or started, with the flag that gives each
      for (org.pipelinekit.core.model.Parameter p : missing) {
        err.println(file + ": error: parameter '" + p.name() + "' is required: add -p " + p.name() + "=VALUE"
            + p.description().map(d -> " (" + d + ")").orElse("")
            + (p.options().isEmpty() ? "" : "; one of " + String.join(", ", p.options())));
      }
      return Main.INVALID;
    }
    if (dryRun) return dryRun(pipeline.get(), kind, out, err);
    Path data = dataDir != null ? dataDir.toAbsolutePath().normalize() : Files.createTempDirectory("pipelinekit-");
    int exit = Main.INVALID;
    try {
      exit = runIn(data, pipeline.get(), kind, out, err);
      return exit;
    } finally {
      try {
        cleanUp(data, exit, out);
      } finally {
        finished.countDown();
      }
    }
  }

  /** The run's trigger: --event (default manual), --branch and --commit. */
  private ExecutionTrigger trigger() {
    ExecutionTrigger trigger = event != null ? ExecutionTrigger.of(event) : ExecutionTrigger.manual();
    if (branch != null) trigger = trigger.branch(branch);
    if (commit != null) trigger = trigger.commit(commit);
    return trigger;
  }

  /** --dry-run: the run simulated (nothing started, nothing copied), printed stage by stage. */
  private int dryRun(Pipeline pipeline, Optional<CiImport.Kind> kind, PrintWriter out, PrintWriter err) {
    if (branch == null) {
      Path root = workspace != null ? workspace : kind.isPresent() ? RepositoryCopy.root(file, kind) : RepositoryCopy.around(Path.of("").toAbsolutePath());
      fromRepository(root, out);
    }
    try {
      out.print(DryRun.render(DryRun.of(pipeline, trigger(), params, b -> { })));
      out.flush();
      return 0;
    } catch (PipelineValidationException ex) {
      err.println(file + ": " + ex.getMessage());
      return Main.INVALID;
    } catch (PipelineException ex) {
      err.println(file + ": error: " + ex.getMessage());
      return Main.INVALID;
    }
  }

  /** Counted down once the command has closed everything: a shutdown hook waits for it. */
  private final CountDownLatch finished = new CountDownLatch(1);

  /** A data directory of the run's own goes after a green run that kept nothing (or one refused before it ran); else says where it is. */
  private void cleanUp(Path data, int exit, PrintWriter out) throws java.io.IOException {
    if (dataDir != null) return;
    boolean noArtifacts = isEmpty(data.resolve("artifacts"));
    if ((exit == 0 && noArtifacts) || isEmpty(data.resolve("executions"))) {
      org.pipelinekit.core.files.FileTrees.delete(data);
    } else {
      out.println("logs" + (noArtifacts ? "" : " and artifacts") + " kept in " + data + " (--data-dir DIR chooses where)");
    }
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) return true;
    try (var files = Files.walk(dir)) {
      return files.noneMatch(Files::isRegularFile);
    }
  }

  private int runIn(Path data, Pipeline pipeline, Optional<CiImport.Kind> kind, PrintWriter out, PrintWriter err) throws Exception {
    try (LocalStores stores = LocalStores.open(data, cacheDir != null ? cacheDir : data.resolve("cache"))) {
      org.pipelinekit.core.spi.SecretStore secrets = CliSecrets.forCommand(Optional.ofNullable(dataDir), Optional.ofNullable(secretsFile));
      this.secrets = secrets;
      PipelineExecutor.Builder b = stores.wire(PipelineExecutor.builder().dataDirectory(data)).secrets(secrets);
      // the pipeline's notify rules: sent as on a server, reported here, waited for before the command ends
      notifier = org.pipelinekit.notify.Notifier.builder().secrets(secrets).retries(3, java.time.Duration.ofMillis(500)).build();
      b.listener(notifier.listener());
      if (workspace != null) {
        if (!Files.isDirectory(workspace)) {
          err.println("error: --workspace " + workspace + " is not a directory");
          return Main.INVALID;
        }
        b.source(workspace);
        fromRepository(workspace, out);
      } else {
        // another system's CI file expects its repository checked out, a pipeline of ours the directory it is run in (or
        // the repository around it), as gitlab-ci-local and act do: either runs in a copy, never in the original
        Path root = kind.isPresent() ? RepositoryCopy.root(file, kind) : RepositoryCopy.around(Path.of("").toAbsolutePath());
        RepositoryCopy.Copied copy = RepositoryCopy.copy(root, Files.createTempDirectory(Files.createDirectories(data), "workspace-"), data);
        out.println("workspace: " + copy);
        b.source(copy.to());
        fromRepository(root, out);
      }
      if (jobs != null) b.maxParallelJobs(jobs);
      return run(pipeline, b, data, out, err);
    }
  }

  /** The branch and commit checked out in {@code dir}'s git repository, unless --branch/--commit say otherwise. */
  private void fromRepository(Path dir, PrintWriter out) {
    if (branch != null && commit != null) return;
    org.pipelinekit.triggers.GitRepository.checkedOut(dir).ifPresent(c -> { // not a git checkout: no branch unless --branch says one
      if (branch == null) branch = c.branch().orElse(null);
      if (commit == null) commit = c.commit();
      out.println("repository: " + c.branch().map(b -> "branch " + b).orElse("detached HEAD") + " at " + c.commit().substring(0, 12)
          + " (--branch and --commit say otherwise)");
    });
  }

  private org.pipelinekit.notify.Notifier notifier;

  private org.pipelinekit.core.spi.SecretStore secrets;

  private Integer run(Pipeline pipeline, PipelineExecutor.Builder b, Path data, PrintWriter out, PrintWriter err) throws InterruptedException {
    DebugShell debug = new DebugShell();
    if (debugOnFailure) b.interceptor(debug);
    try (org.pipelinekit.notify.Notifier closing = notifier; PipelineExecutor executor = b.build()) {
      notifier.attach(executor);
      ExecutionTrigger trigger = trigger();
      Execution e;
      CountDownLatch printed = new CountDownLatch(1);
      Execution[] self = new Execution[1];
      // approvals are decided off the engine's thread: asking at the terminal may take a while
      java.util.concurrent.ExecutorService decisions = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pipelinekit-cli-approvals");
        t.setDaemon(true);
        return t;
      });
      try {
        e = executor.execute(pipeline, trigger, params, event -> {
          print(event, out, self[0], printed);
          if (event instanceof ApprovalRequested a) decisions.execute(() -> decide(executor, pipeline, a, out));
        });
        self[0] = e;
      } catch (PipelineValidationException ex) {
        err.println(file + ": " + ex.getMessage());
        return Main.INVALID;
      } catch (PipelineException ex) {
        err.println(file + ": error: " + ex.getMessage());
        return Main.INVALID;
      }
      out.println("▶ " + e.id() + " (" + pipeline.stages().size() + " stages; data in " + data + ")");
      Thread hook = new Thread(() -> { // Ctrl-C or SIGTERM: cancel, wait for the steps to stop, but never hang the exit
        e.cancel("interrupted (Ctrl-C or SIGTERM)");
        try {
          e.completion().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception stillRunning) {
          err.println("the run did not stop within 30 s of being cancelled; exiting anyway");
          return;
        }
        try { // the JVM ends with this hook: first let the executor and the stores close and the run's directory go
          finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      ExecutionSnapshot done = e.completion().join();
      printed.await();
      if (!pipeline.notifications().isEmpty()) {
        try {
          for (org.pipelinekit.notify.Delivery d : notifier.finished(e.id()).get(60, java.util.concurrent.TimeUnit.SECONDS)) {
            (d.outcome().equals("failed") ? err : out).println("notify " + d.channel() + " (" + d.event() + "): " + d.outcome()
                + (d.sent() ? "" : ": " + d.detail()));
          }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notified) {
          err.println("notify: the run's notifications did not all go out within 60 s");
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook cancelled the run and waits for the rest of this command to close
      }
      decisions.shutdownNow();
      summary(done, out);
      if (debugOnFailure) debug.failed().ifPresent(f -> DebugShell.open(f, secrets, out, err));
      return done.status() == ExecutionStatus.SUCCEEDED ? 0 : Main.INVALID;
    }
  }

  /**
   * A stage waits for approval: approved when --approve names it (as often as it needs approvals, by the user running the
   * CLI standing in for its approvers), asked at the terminal when there is one, else rejected with what to do instead.
   */
  private void decide(PipelineExecutor executor, Pipeline pipeline, ApprovalRequested a, PrintWriter out) {
    String user = System.getProperty("user.name", "cli");
    Principal who = new Principal(user, Set.copyOf(a.approvers()));
    try {
      boolean yes = approve.contains("all") || approve.contains(a.stageId());
      java.io.Console console = System.console();
      if (!yes && console != null) {
        String answer = console.readLine("approve %s (approvers %s)? [y/N] ", a.stageId(), a.approvers());
        yes = answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
      }
      if (!yes) {
        executor.reject(a.executionId(), a.stageId(), who, "not approved on the command line (run with --approve " + a.stageId() + ")");
        return;
      }
      int required = pipeline.stages().stream().filter(s -> s.id().equals(a.stageId())).findFirst()
          .flatMap(Stage::approval).map(org.pipelinekit.core.model.Approval::required).orElse(1);
      for (int i = 1; i <= required; i++) {
        executor.approve(a.executionId(), a.stageId(), i == 1 ? who : new Principal(user + " (" + i + ")", who.groups()));
      }
      synchronized (out) {
        out.println("✔ " + a.stageId() + " approved by " + user + " on the command line");
        out.flush();
      }
    } catch (PipelineException ex) {
      synchronized (out) {
        out.println("! " + a.stageId() + ": " + ex.getMessage());
        out.flush();
      }
    }
  }

  /** The pipeline cut down to {@code wanted} and everything they need, directly or not. */
  static Pipeline withNeeds(Pipeline p, List<String> wanted) {
    Map<String, Stage> byId = new LinkedHashMap<>();
    p.stages().forEach(s -> byId.put(s.id(), s));
    Set<String> keep = new java.util.HashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(wanted);
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (keep.add(id) && byId.containsKey(id)) todo.addAll(byId.get(id).needs());
    }
    return p.toBuilder().clearStages().stages(p.stages().stream().filter(s -> keep.contains(s.id())).toList()).build();
  }

  private void print(ExecutionEvent event, PrintWriter out, Execution e, CountDownLatch printed) {
    if (event instanceof StageStarted s) {
      out.println("▶ " + s.stageId());
    } else if (event instanceof LogAppended l && !quiet) {
      out.println("  [" + l.line().jobId() + "] " + l.line().text());
    } else if (event instanceof JobRetrying r) {
      out.println("↻ " + r.jobId() + " attempt " + r.attempt() + " failed (" + r.reason() + "); retrying in " + Durations.format(r.delay()));
    } else if (event instanceof ApprovalRequested a) {
      out.println("⏸ " + a.stageId() + " waits for approval by " + a.approvers());
    } else if (event instanceof StageFinished f) {
      String took = e == null ? "" : e.snapshot().stage(f.stageId()).duration().map(d -> " in " + human(d)).orElse("");
      String mark = switch (f.status()) {
        case SUCCEEDED -> "✓";
        case CACHED -> "↺";
        case SKIPPED -> "↷";
        case SOFT_FAILED -> "!";
        default -> "✗";
      };
      out.println(mark + " " + f.stageId() + " " + f.status().result() + took + f.reason().map(r -> ": " + r).orElse(""));
    } else if (event instanceof ExecutionEvent.ExecutionFinished) {
      out.flush();
      printed.countDown();
    }
    out.flush();
  }

  private static void summary(ExecutionSnapshot done, PrintWriter out) {
    out.println();
    List<StageRun> stages = List.copyOf(done.stages().values());
    for (StageRun s : stages) {
      out.printf("  %-24s %-12s %8s%n", s.stageId(), s.status().result(), s.duration().map(RunCommand::human).orElse("-"));
    }
    out.println(done.status() + " in " + done.duration().map(RunCommand::human).orElse("-") + done.reason().map(r -> ": " + r).orElse(""));
    out.flush();
  }

  private static String human(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
