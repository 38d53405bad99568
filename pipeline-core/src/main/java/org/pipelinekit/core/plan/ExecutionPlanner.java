package org.pipelinekit.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.internal.graph.Graph;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.EffectiveSettings;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;

/**
 * Turns a valid pipeline into an {@link ExecutionPlan}: topological order, transitive reduction of
 * needs, matrix expansion and the critical path from duration estimates (a stage without history
 * counts as {@code defaultEstimate}; a matrix stage as its estimate times the number of waves its
 * {@code maxParallel} forces).
 */
public final class ExecutionPlanner {
  private final DurationEstimates estimates;
  private final Duration defaultEstimate;
  private final int maxMatrixCombinations;

  private ExecutionPlanner(DurationEstimates estimates, Duration defaultEstimate, int maxMatrixCombinations) {
    this.estimates = estimates;
    this.defaultEstimate = defaultEstimate;
    this.maxMatrixCombinations = maxMatrixCombinations;
  }

  public static ExecutionPlanner create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Plans a pipeline.
   *
   * @throws PipelineException {@code PIPELINE_INVALID} when a need is unknown or the needs form a
   *     cycle; validate with {@code PipelineValidator} first to get every problem with its path
   */
  public ExecutionPlan plan(Pipeline pipeline) {
    List<Stage> stages = pipeline.stages();
    int n = stages.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (index.putIfAbsent(stages.get(i).id(), i) != null) {
        throw invalid(pipeline, "stage id '" + stages.get(i).id() + "' is used twice");
      }
    }
    Graph.Builder gb = new Graph.Builder(n);
    for (int i = 0; i < n; i++) {
      for (String need : stages.get(i).needs()) {
        Integer from = index.get(need);
        if (from == null) {
          throw invalid(pipeline, "stage '" + stages.get(i).id() + "' needs unknown stage '" + need + "'");
        }
        gb.edge(from, i);
      }
    }
    Graph graph = gb.build();
    int[] order = graph.topologicalOrder().orElseThrow(() -> {
      int[] cycle = graph.cycles().get(0);
      List<String> names = new ArrayList<>();
      for (int v : cycle) names.add(stages.get(v).id());
      return invalid(pipeline, "the needs form a cycle: " + String.join(" → ", names));
    });

    int[][] kept = graph.transitiveReduction(order);
    // kept[v] lists the successors v keeps; turn it around into "which needs of stage w are kept".
    List<List<String>> reducedNeeds = new ArrayList<>(n);
    for (int i = 0; i < n; i++) reducedNeeds.add(new ArrayList<>());
    for (int v = 0; v < n; v++) {
      for (int w : kept[v]) reducedNeeds.get(w).add(stages.get(v).id());
    }

    int[] level = graph.levels(order);
    long[] weight = new long[n];
    List<List<MatrixCell>> cells = new ArrayList<>(n);
    Duration[] estimate = new Duration[n];
    for (int i = 0; i < n; i++) {
      Stage s = stages.get(i);
      List<MatrixCell> c = s.matrix().map(m -> expand(pipeline, s, m)).orElse(List.of(MatrixCell.NONE));
      cells.add(c);
      Duration e = estimates.estimate(pipeline.id(), s.id()).orElse(defaultEstimate);
      int waves = s.matrix().flatMap(Matrix::maxParallel).map(p -> (c.size() + p - 1) / p).orElse(1);
      estimate[i] = e.multipliedBy(Math.max(1, waves));
      weight[i] = estimate[i].toMillis();
    }
    List<PlannedStage> planned = new ArrayList<>(n);
    for (int v : order) {
      Stage s = stages.get(v);
      List<String> needs = orderLike(s.needs(), reducedNeeds.get(v));
      List<String> redundant = s.needs().stream().filter(x -> !needs.contains(x)).distinct().toList();
      planned.add(new PlannedStage(s, level[v], needs, redundant, cells.get(v), estimate[v], EffectiveSettings.of(pipeline, s)));
    }
    int[] path = graph.longestPath(order, weight);
    List<String> pathIds = new ArrayList<>();
    Duration total = Duration.ZERO;
    for (int v : path) {
      pathIds.add(stages.get(v).id());
      total = total.plus(estimate[v]);
    }
    return new ExecutionPlan(pipeline.id(), planned, new CriticalPath(pathIds, total));
  }

  /** The kept needs in the order the stage wrote them. */
  private static List<String> orderLike(List<String> written, List<String> keep) {
    List<String> out = new ArrayList<>();
    for (String w : written) {
      if (keep.contains(w) && !out.contains(w)) out.add(w);
    }
    return out;
  }

  private List<MatrixCell> expand(Pipeline pipeline, Stage s, Matrix m) {
    try {
      return Matrices.expand(m, maxMatrixCombinations);
    } catch (IllegalArgumentException e) {
      throw invalid(pipeline, "stage '" + s.id() + "': " + e.getMessage());
    }
  }

  private static PipelineException invalid(Pipeline pipeline, String why) {
    return new PipelineException(ErrorCode.PIPELINE_INVALID, "cannot plan pipeline '" + pipeline.id() + "': " + why
        + "; run PipelineValidator to see every problem with its path");
  }

  /** Configures a planner. */
  public static final class Builder {
    private DurationEstimates estimates = DurationEstimates.none();
    private Duration defaultEstimate = Duration.ofMinutes(1);
    private int maxMatrixCombinations = Matrices.DEFAULT_MAX_COMBINATIONS;

    private Builder() {}

    public Builder estimates(DurationEstimates estimates) {
      this.estimates = Objects.requireNonNull(estimates, "estimates");
      return this;
    }

    /** What a stage without history counts as on the critical path; one minute unless set. */
    public Builder defaultEstimate(Duration estimate) {
      if (estimate.isNegative()) {
        throw new IllegalArgumentException("defaultEstimate must not be negative, got " + estimate);
      }
      this.defaultEstimate = estimate;
      return this;
    }

    public Builder maxMatrixCombinations(int max) {
      if (max < 1) throw new IllegalArgumentException("maxMatrixCombinations must be 1 or more, got " + max);
      this.maxMatrixCombinations = max;
      return this;
    }

    public ExecutionPlanner build() {
      return new ExecutionPlanner(estimates, defaultEstimate, maxMatrixCombinations);
    }
  }
}
