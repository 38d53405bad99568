package org.pipelinekit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.files.FileTrees;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.simulate.Approver;
import org.pipelinekit.core.simulate.Simulation;
import org.pipelinekit.core.simulate.StepScript;
import org.pipelinekit.core.spi.SecretStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pipelinekit debug EXECUTION STAGE}: a shell in a job of a finished run on this host, with its environment. The job's
 * own workspace when the executor kept it (a failed job's is), else one made again from its inputs: the run's source
 * ({@code --workspace}, or the checkout or copy the run made) and the files the stages it needs handed on. The environment
 * is rendered as the run had it: the run is simulated with its trigger and parameters, each earlier stage answering with
 * the outputs it had.
 */
@Command(name = "debug", description = "Open a shell in a job of a finished run on this host, in its workspace (kept, or made again from"
    + " its inputs) with its environment; what the shell prints has the run's secrets masked.")
final class DebugCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution, as run printed it (pipeline-number)")
  String executionId;

  @Parameters(index = "1", paramLabel = "STAGE", description = "The stage whose job to debug")
  String stageId;

  @Option(names = "--job", paramLabel = "ID", description = "Which matrix job (default: the first that failed, else the first)")
  String jobId;

  @Option(names = "--data-dir", required = true, description = "The run's data directory (run prints it when it keeps one)")
  Path dataDir;

  @Option(names = "--workspace", description = "The directory the run's jobs started from, when the job's workspace is made again"
      + " (default: the copy or checkout the run made in its data directory)")
  Path workspace;

  @Option(names = "--secrets-file", paramLabel = "FILE", description = "NAME=value lines, as the run had them")
  Path secretsFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isDirectory(dataDir.resolve("executions"))) {
      err.println("error: " + dataDir + " holds no runs; name the data directory run printed (logs kept in DIR)");
      return Main.INVALID;
    }
    SecretStore secrets = CliSecrets.forCommand(Optional.of(dataDir), Optional.ofNullable(secretsFile));
    ExecutionSnapshot run;
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dataDir).build()) {
      Optional<Execution> e = executor.execution(executionId);
      if (e.isEmpty()) {
        err.println("error: no execution '" + executionId + "' in " + dataDir);
        return Main.INVALID;
      }
      run = e.get().snapshot();
    }
    Pipeline pipeline = run.header().pipeline();
    if (!run.stages().containsKey(stageId)) {
      err.println("error: execution " + executionId + " has no stage '" + stageId + "'; its stages are " + run.stages().keySet());
      return Main.INVALID;
    }
    StageRun stage = run.stage(stageId);
    Optional<JobRun> found = jobId != null ? stage.jobs().stream().filter(j -> j.jobId().equals(jobId)).findFirst()
        : stage.jobs().stream().filter(j -> j.status().countsAsFailure()).findFirst().or(() -> stage.jobs().stream().findFirst());
    String job = found.map(JobRun::jobId).orElse(stageId);
    if (jobId != null && found.isEmpty()) {
      err.println("error: stage " + stageId + " has no job '" + jobId + "'; its jobs are " + stage.jobs().stream().map(JobRun::jobId).toList());
      return Main.INVALID;
    }
    Path runDir = dataDir.resolve("runs").resolve(executionId);
    Optional<Path> kept = kept(runDir, stageId, stage, job);
    Path dir;
    if (kept.isPresent()) {
      dir = kept.get();
      out.println("the job's workspace, kept by the run: " + dir);
    } else {
      dir = Files.createDirectories(dataDir.resolve("debug").resolve(executionId).resolve(job.replaceAll("[^A-Za-z0-9._-]", "_")));
      Optional<Path> source = Optional.ofNullable(workspace).or(() -> source(runDir));
      if (source.isEmpty()) source = copiedSource(dataDir);
      if (source.isPresent()) FileTrees.copy(source.get(), dir);
      List<String> inputs = inputStages(pipeline, stageId);
      for (String input : inputs) {
        Path handoff = runDir.resolve("handoff").resolve(input);
        if (!Files.isDirectory(handoff)) continue;
        try (Stream<Path> jobs = Files.list(handoff)) {
          for (Path j : jobs.sorted().toList()) FileTrees.copy(j, dir);
        }
      }
      out.println("the job's workspace, made again in " + dir + " from " + source.map(Path::toString).orElse("no source (pass --workspace)")
          + (inputs.isEmpty() ? "" : " and the files of " + String.join(", ", inputs)));
    }
    Map<String, String> env = environment(run, pipeline, stageId, job, secrets, err);
    env.put("PIPELINE_WORKSPACE", dir.toString());
    env.put("PIPELINE_STAGES", dir.resolve(".pipelinekit-stages.yaml").toString());
    String what = found.map(j -> "which ended " + j.status().result() + j.reason().map(r -> " (" + r + ")").orElse(""))
        .orElse("which did not run");
    DebugShell.open(new DebugShell.Failed(stageId, job, what, env, dir), secrets, out, err);
    return 0;
  }

  /** The job's own workspace when the executor kept it: {@code runs/<execution>/jobs/<stage>/<cell>.<attempt>}, the last attempt's. */
  private static Optional<Path> kept(Path runDir, String stageId, StageRun stage, String jobId) throws IOException {
    Path jobs = runDir.resolve("jobs").resolve(stageId);
    if (!Files.isDirectory(jobs)) return Optional.empty();
    int cell = 0;
    for (int i = 0; i < stage.jobs().size(); i++) if (stage.jobs().get(i).jobId().equals(jobId)) cell = i;
    String prefix = cell + ".";
    try (Stream<Path> dirs = Files.list(jobs)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith(prefix) && Files.isDirectory(d))
          .max(Comparator.comparingInt(d -> attempt(d.getFileName().toString().substring(prefix.length()))));
    }
  }

  private static int attempt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The checkout a source provider made for the run. */
  private static Optional<Path> source(Path runDir) {
    return Optional.of(runDir.resolve("source")).filter(Files::isDirectory);
  }

  /** The copy {@code run} made of the directory it ran in, when it made exactly one in the data directory. */
  private static Optional<Path> copiedSource(Path dataDir) throws IOException {
    try (Stream<Path> dirs = Files.list(dataDir)) {
      List<Path> copies = dirs.filter(d -> d.getFileName().toString().startsWith("workspace-") && Files.isDirectory(d)).toList();
      return copies.size() == 1 ? Optional.of(copies.get(0)) : Optional.empty();
    }
  }

  /** The stages whose files the stage's jobs start with: its dependencies, else every stage it needs, in the pipeline's order. */
  private static List<String> inputStages(Pipeline p, String stageId) {
    Optional<Stage> target = p.stage(stageId);
    if (target.isEmpty()) return List.of(); // a generated stage: its inputs are not in the header
    if (target.get().dependencies().isPresent()) {
      Set<String> wanted = Set.copyOf(target.get().dependencies().get());
      return p.stages().stream().map(Stage::id).filter(wanted::contains).toList();
    }
    return RunCommand.withNeeds(p, target.get().needs()).stages().stream().map(Stage::id).toList();
  }

  /**
   * The environment the job's first command step had: the run simulated with its trigger and parameters, every stage
   * answering with the outputs it had in the run, approvals given; the pipeline's and the stage's variables when the
   * simulation does not reach the job.
   */
  private static Map<String, String> environment(ExecutionSnapshot run, Pipeline pipeline, String stageId, String jobId, SecretStore secrets,
      PrintWriter err) {
    AtomicReference<Map<String, String>> found = new AtomicReference<>();
    StepScript script = step -> {
      if (step.jobId().equals(jobId) && step.command().isPresent()) found.compareAndSet(null, new LinkedHashMap<>(step.env()));
      Map<String, String> outputs = run.stages().containsKey(step.stageId()) ? run.stage(step.stageId()).outputs() : Map.of();
      return Optional.of(new StepScript.Answer(0, List.of(), outputs, java.time.Duration.ZERO, Map.of()));
    };
    try (Simulation sim = Simulation.builder().script(script)
        .approver(a -> Optional.of(Approver.Decision.approve(Approver.anApproverOf(a, "debug"))))
        .configure(b -> b.secrets(secrets)).build()) {
      sim.run(pipeline, run.header().trigger().traced(false), run.header().parameters());
    } catch (PipelineException e) {
      err.println("debug: the job's environment could not be rendered again (" + e.getMessage() + "); the pipeline's and stage's variables only");
    }
    if (found.get() != null) return found.get();
    Map<String, String> env = new LinkedHashMap<>(pipeline.env());
    pipeline.stage(stageId).ifPresent(s -> env.putAll(s.env()));
    return env;
  }

}
