package org.pipelinekit.core.engine.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.expr.EvaluationContext;

/**
 * What expressions of one stage (and matrix cell) see: {@code params}, {@code env}, {@code matrix},
 * {@code stages.<id>.outputs|result} of finished stages, {@code secrets} (each read audited and added
 * to the masker), {@code branch}, {@code commit}, {@code pipeline}, {@code execution},
 * {@code trigger}, {@code runner}, {@code workspace}, and the status functions. In a step, {@code outputs.<name>} is
 * what the earlier steps of its job wrote to {@code $PIPELINE_OUTPUT} in this attempt.
 */
final class StageContext implements EvaluationContext {
  /** The view of another stage's state an expression may read. */
  interface StageView {
    @Nullable StageStatus status(String stageId);

    Map<String, String> outputs(String stageId);

    /** Each of its jobs' outputs, in job (matrix) order. */
    default java.util.List<Map<String, String>> jobOutputs(String stageId) {
      return java.util.List.of(outputs(stageId));
    }
  }

  private final ExecutionHeader header;
  private final Map<String, String> env;
  private final Map<String, String> matrix;
  private final StageView stages;
  private final Function<String, @Nullable String> secrets;
  private final String workspace;
  private final String runnerId;
  private final java.util.function.BooleanSupplier upstreamSucceeded;
  private final java.util.function.BooleanSupplier upstreamFailed;
  private final boolean cancelled;
  private final Function<List<String>, String> hashFiles;
  private final Map<String, String> stepOutputs;

  StageContext(ExecutionHeader header, Map<String, String> env, Map<String, String> matrix, StageView stages,
      Function<String, @Nullable String> secrets, String workspace, String runnerId,
      java.util.function.BooleanSupplier upstreamSucceeded, java.util.function.BooleanSupplier upstreamFailed, boolean cancelled,
      Function<List<String>, String> hashFiles, Map<String, String> stepOutputs) {
    this.header = header;
    this.env = env;
    this.matrix = matrix;
    this.stages = stages;
    this.secrets = secrets;
    this.workspace = workspace;
    this.runnerId = runnerId;
    this.upstreamSucceeded = upstreamSucceeded;
    this.upstreamFailed = upstreamFailed;
    this.cancelled = cancelled;
    this.hashFiles = hashFiles;
    this.stepOutputs = stepOutputs;
  }

  /** {@code trigger.kind}, {@code trigger.actor} and the trigger's details ({@code trigger.repository}, {@code trigger.message}, …). */
  private static Map<String, Object> trigger(ExecutionHeader header) {
    Map<String, Object> t = new java.util.LinkedHashMap<>();
    header.trigger().details().forEach((k, v) -> {
      if (!k.startsWith(org.pipelinekit.core.run.ExecutionTrigger.UPSTREAM_OUTPUTS)) t.put(k, v);
    });
    t.put("kind", header.trigger().kind());
    t.put("actor", header.trigger().actor().orElse(""));
    return t;
  }

  /** {@code upstream.outputs.NAME}, {@code upstream.execution} and {@code upstream.pipeline} of a run an upstream pipeline started. */
  private static Map<String, Object> upstream(ExecutionHeader header) {
    String prefix = org.pipelinekit.core.run.ExecutionTrigger.UPSTREAM_OUTPUTS;
    Map<String, String> outputs = new java.util.LinkedHashMap<>();
    header.trigger().details().forEach((k, v) -> {
      if (k.startsWith(prefix)) outputs.put(k.substring(prefix.length()), v);
    });
    Map<String, Object> u = new java.util.LinkedHashMap<>();
    u.put("outputs", outputs);
    u.put("execution", header.trigger().details().getOrDefault("upstream.execution", ""));
    u.put("pipeline", header.trigger().details().getOrDefault("upstream.pipeline", ""));
    return u;
  }

  @Override
  public @Nullable Object lookup(List<String> path) {
    String root = path.get(0);
    Object value = switch (root) {
      case "params" -> header.parameters();
      case "env" -> env;
      case "matrix" -> matrix;
      case "branch" -> header.trigger().branch().orElse("");
      case "commit" -> header.trigger().commit().orElse("");
      case "tag" -> header.trigger().details().getOrDefault("tag", "");
      case "workspace" -> workspace;
      case "pipeline" -> Map.of("id", header.pipelineId(), "name", header.pipeline().displayName(),
          "version", header.pipeline().version());
      case "execution" -> Map.of("id", header.id(), "number", header.number());
      case "trigger" -> trigger(header);
      case "upstream" -> upstream(header);
      case "runner" -> Map.of("os", "Linux", "name", runnerId);
      case "secrets" -> path.size() < 2 ? null : secrets.apply(path.get(1));
      case "stages" -> stage(path);
      case "outputs" -> stepOutputs;
      default -> null;
    };
    if (root.equals("secrets") || root.equals("stages")) return value;
    for (int i = 1; i < path.size() && value != null; i++) {
      value = value instanceof Map<?, ?> m ? m.get(path.get(i)) : null;
    }
    return value;
  }

  private @Nullable Object stage(List<String> path) {
    if (path.size() < 3) return null;
    StageStatus status = stages.status(path.get(1));
    if (status == null) return null;
    if (path.get(2).equals("result")) return status.result();
    if (path.get(2).equals("outputs") && path.size() > 3 && path.get(3).equals("*")) { // fan-in: every job's, in job order
      java.util.List<Map<String, String>> jobs = stages.jobOutputs(path.get(1));
      if (path.size() == 4) return jobs;
      return jobs.stream().filter(m -> m.containsKey(path.get(4))).map(m -> m.get(path.get(4))).toList();
    }
    if (path.get(2).equals("outputs")) {
      Map<String, String> outputs = new LinkedHashMap<>(stages.outputs(path.get(1)));
      return path.size() > 3 ? outputs.get(path.get(3)) : outputs;
    }
    return null;
  }

  @Override
  public boolean upstreamSucceeded() {
    return upstreamSucceeded.getAsBoolean();
  }

  @Override
  public boolean upstreamFailed() {
    return upstreamFailed.getAsBoolean();
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }

  @Override
  public String hashFiles(List<String> patterns) {
    return hashFiles.apply(patterns);
  }

  @Override
  public long sarif(String path, String level) {
    return Sarif.count(java.nio.file.Path.of(workspace), path, level);
  }
}
