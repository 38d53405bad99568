package org.pipelinekit.core.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A valid pipeline resolved for running: stages in a topological order (every stage after all of
 * its needs), needs reduced to those not implied by others, matrices expanded, and the critical
 * path. Made by {@link ExecutionPlanner}.
 */
public record ExecutionPlan(String pipelineId, List<PlannedStage> stages, CriticalPath criticalPath) {
  public ExecutionPlan {
    stages = List.copyOf(stages);
  }

  public Optional<PlannedStage> stage(String id) {
    return stages.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Stage ids in execution order. */
  public List<String> order() {
    return stages.stream().map(PlannedStage::id).toList();
  }

  /** Stages by id. */
  public Map<String, PlannedStage> byId() {
    return stages.stream().collect(Collectors.toMap(PlannedStage::id, Function.identity()));
  }

  /** Stage ids grouped by level: the stages of one level can all run at once. */
  public List<List<String>> levels() {
    int max = stages.stream().mapToInt(PlannedStage::level).max().orElse(-1);
    return java.util.stream.IntStream.rangeClosed(0, max)
        .mapToObj(l -> stages.stream().filter(s -> s.level() == l).map(PlannedStage::id).toList())
        .toList();
  }

  /** Total number of jobs (matrix cells) the plan runs. */
  public int jobCount() {
    return stages.stream().mapToInt(s -> s.cells().size()).sum();
  }
}
