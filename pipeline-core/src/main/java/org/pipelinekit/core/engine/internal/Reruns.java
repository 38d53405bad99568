package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.StageStatus;

/**
 * What a re-run from a stage takes over from the finished execution: every stage that neither runs again nor comes
 * after one that does. Runs again: the stage, the stages after it, stages that never finished (cancelled,
 * interrupted), and the stage's needs that did not succeed.
 */
public final class Reruns {
  private Reruns() {}

  public static Map<String, LiveExecution.Reused> reused(ExecutionSnapshot old, String executionId, String fromStage) {
    return reused(old, executionId, List.of(fromStage));
  }

  /** As {@link #reused(ExecutionSnapshot, String, String)}, with the re-run starting at each of {@code fromStages}. */
  public static Map<String, LiveExecution.Reused> reused(ExecutionSnapshot old, String executionId, List<String> fromStages) {
    Pipeline pipeline = old.header().pipeline();
    Set<String> again = new HashSet<>(fromStages);
    // stages that never finished (cancelled, or interrupted by a host that died) run again too: reused as they were,
    // the re-run would end SUCCEEDED with work that was never done
    for (Stage s : pipeline.stages()) {
      StageStatus st = old.stage(s.id()).status();
      if (st == StageStatus.CANCELLED || st == StageStatus.INTERRUPTED) again.add(s.id());
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Stage s : pipeline.stages()) {
        if (!again.contains(s.id()) && s.needs().stream().anyMatch(again::contains)) grew = again.add(s.id());
      }
    }
    for (String from : fromStages) addUnsuccessfulAncestors(pipeline, from, old, again);
    Map<String, LiveExecution.Reused> reused = new LinkedHashMap<>();
    for (Stage s : pipeline.stages()) {
      if (again.contains(s.id())) continue;
      StageRun r = old.stage(s.id());
      reused.put(s.id(), new LiveExecution.Reused(r.reusedFrom().orElse(executionId), r.status(), r.outputs()));
    }
    return reused;
  }

  private static void addUnsuccessfulAncestors(Pipeline pipeline, String stageId, ExecutionSnapshot old, Set<String> again) {
    List<String> todo = new ArrayList<>(pipeline.stage(stageId).orElseThrow().needs());
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      StageStatus st = old.stage(n).status();
      if (!st.countsAsSuccess() && st != StageStatus.SKIPPED && again.add(n)) {
        todo.addAll(pipeline.stage(n).orElseThrow().needs());
      }
    }
  }
}
