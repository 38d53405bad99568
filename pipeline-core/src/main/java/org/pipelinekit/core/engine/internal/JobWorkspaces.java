package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.files.Glob;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.WorkspaceMode;
import org.pipelinekit.core.spi.JobExit;

/**
 * Where an execution's jobs run. Isolated (the default): each attempt in a fresh directory
 * {@code <run>/jobs/<stage>/<job>.<attempt>}, made from the execution's source (copied, {@link Trees#copy}) and then the
 * hand-offs of the stages it depends on ({@code dependencies}, else every stage it needs directly or through others),
 * in plan order. A job that succeeded leaves its hand-off — the files its {@code artifacts} paths and its type's
 * {@code handoffPaths} match — under {@code <run>/handoff/<stage>/<job>} and its directory is removed; a failed job's
 * directory is kept for debugging, the executor's last few. Shared (the pipeline's {@code workspace: shared}, or a
 * host-given shared workspace): every job in the execution's one directory, seeded from the source once. All of it runs
 * on the blocking pool, never on the actor.
 */
final class JobWorkspaces {
  private final ExecutionRun run;
  private final Path runDir;
  private final boolean isolated;
  private CompletableFuture<Void> sharedSeeded;

  JobWorkspaces(ExecutionRun run) {
    this.run = run;
    EngineServices services = run.services();
    this.runDir = services.runRoot().resolve(run.id());
    this.isolated = services.sharedWorkspace().isEmpty() && run.header().pipeline().workspace() == WorkspaceMode.ISOLATED;
  }

  boolean isolated() {
    return isolated;
  }

  /** What stage-level expressions ({@code when}, {@code hashFiles} outside a job) see: the shared directory, else the source. */
  Path base() {
    return isolated ? run.services().source().orElse(run.workspace()) : run.workspace();
  }

  /** Makes the attempt's directory and fills it; blocking. */
  Path prepare(JobState j, int attempt) throws IOException {
    if (!isolated) {
      seedShared();
      return run.workspace();
    }
    Path ws = runDir.resolve("jobs").resolve(j.stage.id()).resolve(j.stage.jobs.indexOf(j) + "." + attempt);
    PrivateFiles.createDirectories(runDir.resolve("jobs"));
    Trees.delete(ws);
    Files.createDirectories(ws);
    Optional<Path> source = source();
    if (source.isPresent()) org.pipelinekit.core.files.FileTrees.copy(source.get(), ws);
    for (String stageId : inputStages(j.stage)) {
      if (!handedNothing(stageId)) run.services().handoffs().copyInto(run.id(), stageId, ws);
    }
    return ws;
  }

  /**
   * The jobs (by index) of each stage that succeeded in this run handing nothing on, and the stages any of whose jobs
   * ended otherwise (handed files on, failed, reused…): a stage whose jobs all handed nothing is not asked for its
   * hand-offs (a 200-stage DAG passing no files spent most of its time listing 19,000 empty hand-offs). What this
   * process did not see — stages reused from an earlier execution, jobs run before a take-over — is asked for.
   */
  private final java.util.Map<String, Set<Integer>> emptyJobs = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> notEmpty = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private boolean handedNothing(String stageId) {
    if (notEmpty.contains(stageId)) return false;
    Set<Integer> empty = emptyJobs.get(stageId);
    StageState s = run.stageState(stageId);
    return empty != null && s != null && empty.size() == s.jobs.size();
  }

  private @Nullable Optional<Path> source;

  /**
   * The code the execution's jobs start from: what the executor's source provider makes of its trigger (a checkout of
   * its commit, once per execution, under the run's directory), else the executor's source. Blocking; the first caller
   * makes it, the others wait.
   */
  synchronized Optional<Path> source() throws IOException {
    if (source == null) {
      Optional<Path> provided = Optional.empty();
      if (run.services().sourceProvider().isPresent()) {
        PrivateFiles.createDirectories(runDir.getParent());
        Files.createDirectories(runDir);
        provided = run.services().sourceProvider().get().prepare(run.header(), runDir.resolve("source"));
      }
      source = provided.or(() -> run.services().source());
    }
    return source;
  }

  /** The stages whose files a job of {@code s} starts with: its {@code dependencies}, else every stage it needs directly or not, in plan order. */
  List<String> inputStages(StageState s) {
    Set<String> wanted = s.stage.dependencies().map(Set::copyOf).orElseGet(() -> run.contexts().ancestorsOf(s.id()));
    List<String> ordered = new ArrayList<>();
    for (String id : run.stageIds()) {
      if (wanted.contains(id)) ordered.add(id);
    }
    return ordered;
  }

  private void seedShared() throws IOException {
    CompletableFuture<Void> seeded;
    boolean mine = false;
    synchronized (this) {
      if (sharedSeeded == null) {
        sharedSeeded = new CompletableFuture<>();
        mine = true;
      }
      seeded = sharedSeeded;
    }
    if (mine) {
      try {
        Optional<Path> source = source();
        if (source.isPresent() && run.services().sharedWorkspace().isEmpty()) org.pipelinekit.core.files.FileTrees.copy(source.get(), run.workspace());
        seeded.complete(null);
      } catch (IOException | RuntimeException e) {
        seeded.completeExceptionally(e);
      }
    }
    try {
      seeded.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
    }
  }

  /** After the attempt: keeps a success's hand-off and removes its directory, or keeps a failure's directory for debugging. */
  void finish(JobState j, Stage rendered, Path ws, JobExit exit) {
    if (!isolated) return;
    if (exit.result() != JobExit.Result.SUCCEEDED) notEmpty.add(j.stage.id()); // (what it left from before is not known)
    if (exit.result() == JobExit.Result.SUCCEEDED) {
      List<String> patterns = new ArrayList<>();
      rendered.artifacts().ifPresent(a -> patterns.addAll(a.paths()));
      run.services().registry().find(rendered.type()).ifPresent(t -> patterns.addAll(t.handoffPaths(rendered)));
      // staged beside the runs, then kept where the hand-offs are (the runs directory, or a store every host reaches)
      int job = j.stage.jobs.indexOf(j);
      Path staged = runDir.resolve("handoff-staging").resolve(j.stage.id() + "-" + job + "-" + java.util.UUID.randomUUID());
      try {
        List<Path> files = patterns.isEmpty() ? List.of() : Glob.find(ws, patterns, true);
        if (files.isEmpty()) {
          run.services().handoffs().drop(run.id(), j.stage.id(), job);
          emptyJobs.computeIfAbsent(j.stage.id(), id -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(job);
        } else {
          notEmpty.add(j.stage.id());
          Files.createDirectories(staged);
          for (Path rel : files) {
            Path target = staged.resolve(rel.toString());
            Files.createDirectories(target.getParent());
            Files.copy(ws.resolve(rel), target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          }
          run.services().handoffs().keep(run.id(), j.stage.id(), job, staged);
        }
      } catch (IOException | RuntimeException e) {
        notEmpty.add(j.stage.id());
        j.log("warning: the files this job hands on could not be kept: " + e.getMessage());
      } finally {
        Trees.delete(staged); // (moved away when kept in the runs directory)
      }
      Trees.delete(ws);
    } else if (exit.result() == JobExit.Result.REUSED || exit.result() == JobExit.Result.CANCELLED) {
      Trees.delete(ws);
    } else {
      run.services().failedWorkspaces().keep(ws);
    }
  }
}
