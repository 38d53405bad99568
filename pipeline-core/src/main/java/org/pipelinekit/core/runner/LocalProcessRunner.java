package org.pipelinekit.core.runner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps as local processes: {@code /bin/sh -c <command>} in the step's directory, with a clean
 * environment (the step's variables plus {@code PATH} and {@code HOME}), stdin from
 * {@code /dev/null}, stdout and stderr merged. Each step starts in its own session (with
 * {@code posix_spawn}'s {@code POSIX_SPAWN_SETSID}, else through {@code setsid} when the machine has it) so cancelling
 * reaches every process it started, even those whose parent already exited; without either, the process tree as the
 * JDK sees it.
 * Processes a step leaves running in the background are killed when the step ends.
 *
 * <p>A command that is one program with plain words as arguments ({@code mvn -B verify},
 * {@code /bin/true}) is run directly, without a shell or a session, as make does: starting a
 * process costs a millisecond or more, and this saves two of the three. See {@link SimpleCommand}.
 *
 * <p>Processes start through {@link PosixSpawn} — the C library's {@code posix_spawn}, one exec of the program
 * itself — on Linux with glibc 2.34 or newer, else through {@code ProcessBuilder} (with the host application's launch
 * mechanism: this runner never sets {@code jdk.lang.Process.launchMechanism}); {@code -Dpipelinekit.spawn=jdk} chooses
 * the latter.
 *
 * <p>Threads: one reader per running step (daemon, named {@code pipelinekit-output-N}, reused from step to step) and
 * one timer. The reader also waits for its process; only through {@code ProcessBuilder} does the JDK add its reaper
 * thread per process.
 */
public final class LocalProcessRunner implements Runner {
  private static final Logger LOG = LoggerFactory.getLogger(LocalProcessRunner.class);
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path KILL = Path.of("/bin/kill");
  /** How long after the step's main process exits its output may stay open before the leftovers are killed. */
  private static final Duration LEFTOVER_GRACE = Duration.ofMillis(300);

  private final boolean sessions;
  private final Optional<PosixSpawn> spawn;
  /** The mark of this host's step processes (see {@link ProcessTags}). */
  private static final String OWNER = ProcessTags.self();

  private final java.util.Set<LocalStep> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final ExecutorService readers;
  private final ScheduledExecutorService timer;
  private @Nullable Path outputs; // guarded by this; made with the first step, removed on close: a runner that runs nothing leaves nothing
  private final AtomicInteger steps = new AtomicInteger();

  public LocalProcessRunner() {
    this(PosixSpawn.get());
  }

  /** With {@code spawn} empty, every step starts through {@code ProcessBuilder} (tests run both ways). */
  LocalProcessRunner(Optional<PosixSpawn> spawn) {
    this.spawn = spawn;
    this.sessions = spawn.isPresent() || Files.isExecutable(SETSID) && Files.isExecutable(KILL);
    this.readers = Executors.newCachedThreadPool(daemon("pipelinekit-output-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("pipelinekit-runner-timer-"));
    timer.execute(() -> {
      int killed = ProcessTags.killLeftoversOfDeadHosts();
      if (killed > 0) LOG.info("ended {} step processes left behind by PipelineKit hosts that died", killed);
      removeOutputsOfDeadHosts();
    });
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(null, r, prefix + n.incrementAndGet(), 256 * 1024);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String id() {
    return "local";
  }

  @Override
  public RunningStep start(StepRequest request, StepOutput output) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    Optional<List<String>> direct = SimpleCommand.parse(request.command(), request.env().getOrDefault("PATH", path),
        request.workingDirectory());
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("PATH", path);
    env.put("HOME", System.getenv().getOrDefault("HOME", System.getProperty("user.home")));
    env.putAll(request.env());
    if (closed) return failed("the local runner is closed");
    Path outputFile;
    try {
      outputFile = outputs().resolve(steps.incrementAndGet() + ".out");
    } catch (IOException e) {
      return failed(closed ? e.getMessage() : "cannot create a directory for step outputs: " + e.getMessage());
    }
    env.put(StepOutputs.VARIABLE, outputFile.toString());
    String tag = ProcessTags.newStep();
    env.put(ProcessTags.OWNER, OWNER);
    env.put(ProcessTags.STEP, tag);
    if (!Files.isDirectory(request.workingDirectory())) {
      return failed("working directory " + request.workingDirectory() + " does not exist");
    }
    if (closed) return failed("the local runner is closed");
    Launch shell = new Launch(List.of("/bin/sh", "-c", request.command()), env, request.workingDirectory(), sessions);
    Launch launch = direct.map(argv -> new Launch(argv, env, request.workingDirectory(), false)).orElse(shell);
    return new LocalStep(launch, shell, output, outputFile, tag);
  }

  /**
   * How a step's process starts: {@code argv} (a path first) in {@code directory} with exactly {@code env}; in a session of
   * its own when {@code session}. A command that is one program with plain words runs directly, without a shell or a
   * session, as make does (see {@link SimpleCommand}).
   */
  private record Launch(List<String> argv, Map<String, String> env, Path directory, boolean session) {
    /** The JDK's way: {@code setsid} in front for a session. */
    ProcessBuilder processBuilder() {
      List<String> command = new ArrayList<>();
      if (session) command.add(SETSID.toString());
      command.addAll(argv);
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().clear();
      pb.environment().putAll(env);
      return pb;
    }
  }

  /** What the step wrote to its output file; the file is deleted (it may hold secrets). */
  private static java.util.Map<String, String> collect(Path outputFile, StepOutput output) {
    if (!Files.exists(outputFile)) return java.util.Map.of();
    java.util.Map<String, String> values = StepOutputs.read(outputFile, w -> output.line("warning: " + w));
    try {
      Files.deleteIfExists(outputFile);
    } catch (IOException e) {
      output.line("warning: cannot delete " + outputFile + ": " + e.getMessage());
    }
    return values;
  }

  private static RunningStep failed(String message) {
    CompletableFuture<StepExit> exit = CompletableFuture.completedFuture(StepExit.runnerError(message));
    return new RunningStep() {
      @Override
      public CompletionStage<StepExit> exit() {
        return exit;
      }

      @Override
      public void cancel(Duration grace) {}
    };
  }

  /** Runs {@code task} on the timer after {@code delayMillis}; nothing once the runner is closed (it ended every step itself). */
  private void later(Runnable task, long delayMillis) {
    try {
      if (delayMillis <= 0) timer.execute(task);
      else timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  /** Ends every step still running (its session, its tree and every process with its mark), then the runner's threads. */
  @Override
  public void close() {
    synchronized (this) { // no step makes the outputs directory after this
      closed = true;
    }
    for (LocalStep step : List.copyOf(live)) step.kill("the local runner closed while the step ran");
    readers.shutdownNow();
    timer.shutdownNow();
    Path dir;
    synchronized (this) {
      dir = outputs;
    }
    if (dir == null) return;
    try {
      org.pipelinekit.core.files.FileTrees.delete(dir);
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", dir, e.getMessage());
    }
  }

  private static final String OUTPUTS = "pipelinekit-outputs-";

  private synchronized Path outputs() throws IOException {
    if (closed) throw new IOException("the local runner is closed"); // (close removed the directory, or there was none)
    // named with this process's id, so that a runner on this machine removes it should this process die unclosed
    if (outputs == null) outputs = org.pipelinekit.core.files.HostDirectories.create(OUTPUTS);
    return outputs;
  }

  /** The outputs directories of runners whose process died without closing them (killed, crashed): removed. */
  static void removeOutputsOfDeadHosts() {
    try {
      org.pipelinekit.core.files.HostDirectories.removeOfDeadHosts(OUTPUTS);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot remove the outputs directories of dead hosts: {}", e.getMessage());
    }
  }

  /**
   * One step. Starting a process takes a millisecond or more, so it happens on the step's reader
   * thread, not the caller's: the engine can start many steps at once. The reader then pumps the
   * output, waits for the exit and collects the outputs file — through {@link PosixSpawn} where it
   * works (no other thread is involved), else through {@code ProcessBuilder} (the JDK adds its
   * reaper thread, and {@code onExit} another).
   */
  private final class LocalStep implements RunningStep {
    private final CompletableFuture<StepExit> exit = new CompletableFuture<>();
    private final String tag;
    private boolean session;
    private @Nullable Process process; // the JDK's way
    private int pid; // posix_spawn's way, 0 until started
    private boolean reaped; // guarded by this: pid is no longer ours to signal
    private @Nullable Integer code; // guarded by this
    private boolean cancelRequested;
    private @Nullable Duration grace;

    LocalStep(Launch launch, Launch shell, StepOutput output, Path outputFile, String tag) {
      this.tag = tag;
      this.session = launch.session();
      live.add(this);
      exit.whenComplete((x, e) -> live.remove(this));
      readers.execute(() -> {
        try {
          if (spawn.isPresent()) runSpawned(spawn.get(), launch, shell, output, outputFile);
          else run(launch.processBuilder(), output, outputFile);
        } catch (RuntimeException e) { // the output's consumer failed: the step ends, never its exit unrecorded
          kill("the step's output could not be taken: " + e.getMessage());
        }
      });
    }

    private void runSpawned(PosixSpawn spawn, Launch launch, Launch shell, StepOutput stepOutput, Path outputFile) {
      StartupTimer output = new StartupTimer(stepOutput);
      PosixSpawn.Child child;
      try {
        try {
          child = spawn.spawn(launch.argv(), launch.env(), launch.directory(), launch.session());
        } catch (PosixSpawn.SpawnException e) {
          if (e.errno != PosixSpawn.ENOEXEC || launch == shell) throw e;
          session = shell.session(); // a file without #! runs as a shell script, as the JDK and the shell run it
          child = spawn.spawn(shell.argv(), shell.env(), shell.directory(), shell.session());
        }
      } catch (IOException e) {
        exit.complete(StepExit.runnerError("cannot start " + launch.argv().get(0) + ": " + e.getMessage()));
        return;
      }
      Duration cancelWith;
      synchronized (this) {
        pid = child.pid();
        cancelWith = cancelRequested ? grace : null;
      }
      if (cancelWith != null) stop(cancelWith);
      try {
        pumpSpawned(spawn, child.output(), output);
        output.finished();
        int status;
        synchronized (this) {
          status = code != null ? code : -1;
        }
        if (status < 0) {
          spawn.awaitExit(pid);
          status = reap(spawn, true);
        }
        exit.complete(StepExit.of(status, collect(outputFile, output)));
      } catch (IOException e) {
        exit.complete(StepExit.runnerError(e.getMessage()));
      } finally {
        child.output().close();
      }
      if (session) spawn.killGroup(pid, PosixSpawn.SIGKILL); // whatever is left in the step's session goes now
    }

    /**
     * Reads the output to its end. Every quarter second without output it looks whether the step's process has ended:
     * once it has, processes it left holding the output get {@link #LEFTOVER_GRACE}, then they are killed (the session,
     * and every process with the step's mark), and should the output still be held after another grace, it is no
     * longer read.
     */
    private void pumpSpawned(PosixSpawn spawn, PosixSpawn.Output in, StepOutput output) throws IOException {
      byte[] buf = new byte[16 * 1024];
      OutputLines lines = new OutputLines(output);
      long exitedAt = 0;
      boolean killed = false;
      while (true) {
        if (!in.await(exitedAt == 0 ? 250 : 50)) {
          if (exitedAt == 0) {
            if (reap(spawn, false) >= 0) exitedAt = System.nanoTime();
          } else if (System.nanoTime() - exitedAt > LEFTOVER_GRACE.toNanos()) {
            if (killed) break; // (held by a process that escaped both: not read any further)
            LOG.debug("step process {} exited but left processes holding its output; killing them", pid);
            if (session) spawn.killGroup(pid, PosixSpawn.SIGKILL);
            ProcessTags.signalStep(tag, true); // (a session-less step's orphans are found by their mark)
            killed = true;
            exitedAt = System.nanoTime();
          }
          continue;
        }
        int n = in.read(buf);
        if (n == 0) break;
        lines.write(buf, 0, n);
      }
      lines.flush();
    }

    /** Reaps the step's process, waiting when {@code block}: its exit code, or -1 while it runs. */
    private synchronized int reap(PosixSpawn spawn, boolean block) throws IOException {
      if (code != null) return code;
      Optional<Integer> c = spawn.waitpid(pid, block);
      if (c.isEmpty()) return -1;
      reaped = true;
      code = c.get();
      return code;
    }

    private void run(ProcessBuilder pb, StepOutput stepOutput, Path outputFile) {
      StartupTimer output = new StartupTimer(stepOutput);
      Process p;
      try {
        p = pb.start(); // the step's `>> $PIPELINE_OUTPUT` creates the file; most steps write none
      } catch (IOException e) {
        exit.complete(StepExit.runnerError("cannot start /bin/sh: " + e.getMessage()));
        return;
      }
      Duration cancelWith;
      synchronized (this) {
        process = p;
        cancelWith = cancelRequested ? grace : null;
      }
      if (cancelWith != null) stop(cancelWith);
      p.onExit().thenRun(() -> later(() -> {
        if (!exit.isDone()) {
          LOG.debug("step process {} exited but left processes holding its output; killing them", p.pid());
          signalSession("KILL");
          ProcessTags.signalStep(tag, true); // (a session-less step's orphans are found by their mark)
          closeQuietly(p);
        }
      }, LEFTOVER_GRACE.toMillis()));
      pump(p.getInputStream(), output);
      output.finished();
      try {
        int code = p.waitFor();
        exit.complete(StepExit.of(code, collect(outputFile, output)));
        // whatever is left in the step's session goes now: processes that let go of the output (> log 2>&1 &), and
        // those whose output the JDK stopped reading when the shell exited (it closes the pipe unless a read is under
        // way, so the wait above may end while they still hold it)
        if (session) later(() -> signalSession("KILL"), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit.complete(StepExit.runnerError("interrupted while waiting for the step"));
      }
    }

    @Override
    public CompletionStage<StepExit> exit() {
      return exit;
    }

    @Override
    public void cancel(Duration grace) {
      boolean started;
      synchronized (this) {
        if (cancelRequested || exit.isDone()) return;
        cancelRequested = true;
        this.grace = grace;
        started = process != null || pid != 0;
      }
      if (started) stop(grace);
    }

    /** The step's main process, while it is ours to signal. */
    private synchronized Optional<ProcessHandle> handle() {
      if (process != null) return Optional.of(process.toHandle());
      if (pid == 0 || reaped) return Optional.empty();
      return ProcessHandle.of(pid);
    }

    /** Signals the step's whole session: its process group id is the step's pid. */
    private void signalSession(String signal) {
      if (!session) return;
      Process p;
      int group;
      synchronized (this) {
        p = process;
        group = pid;
      }
      if (p != null) signal(p.pid(), signal);
      else if (group != 0) spawn.ifPresent(s -> s.killGroup(group, "KILL".equals(signal) ? PosixSpawn.SIGKILL : PosixSpawn.SIGTERM));
    }

    /**
     * TERM to the step's session (or tree) and to every process that carries the step's mark (daemons
     * that left the session with a double fork), KILL to all of them after the grace period.
     */
    private void stop(Duration grace) {
      later(() -> {
        List<ProcessHandle> tree = new ArrayList<>();
        handle().ifPresent(h -> {
          tree.add(h);
          h.descendants().forEach(tree::add);
        });
        signalSession("TERM");
        tree.forEach(ProcessHandle::destroy);
        ProcessTags.signalStep(tag, false);
        later(() -> {
          signalSession("KILL");
          tree.forEach(ProcessHandle::destroyForcibly);
          handle().ifPresent(ProcessHandle::destroyForcibly);
          ProcessTags.signalStep(tag, true);
        }, grace.toMillis());
      }, 0);
    }

    /** Ends the step at once, on the calling thread, as a runner error saying {@code why}. */
    void kill(String why) {
      synchronized (this) {
        cancelRequested = true;
      }
      exit.complete(StepExit.runnerError(why)); // before the reader sees the kill
      signalSession("KILL");
      handle().ifPresent(h -> {
        h.descendants().forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
      });
      ProcessTags.signalStep(tag, true);
    }
  }

  private static void closeQuietly(Process p) {
    try {
      p.getInputStream().close();
    } catch (IOException ignored) {
      // the pump ends either way
    }
  }

  /** Signals a whole process group through {@code kill(1)} (where {@link PosixSpawn} is not usable). */
  private static void signal(long group, String signal) {
    try {
      Process kill = new ProcessBuilder(KILL.toString(), "-s", signal, "--", "-" + group)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.warn("cannot run {} to signal step {}: {}", KILL, group, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Splits the merged output into lines ({@link OutputLines}). */
  static void pump(InputStream in, StepOutput output) {
    byte[] buf = new byte[16 * 1024];
    OutputLines lines = new OutputLines(output);
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) lines.write(buf, 0, n);
    } catch (IOException e) {
      // the stream closes when the process is killed; what was read has been passed on
    }
    lines.flush();
  }

  @Override
  public Optional<String> cannotRun(StepRequest request) {
    return Optional.empty();
  }
}
