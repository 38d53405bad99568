package org.pipelinekit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.testing.RandomDag;

class PlanProperties {
  private final ExecutionPlanner planner = ExecutionPlanner.create();

  @Provide
  Arbitrary<RandomDag> dags() {
    return RandomDag.acyclic();
  }

  @Property(tries = 500)
  void orderRespectsEveryNeed(@ForAll("dags") RandomDag dag) {
    Pipeline p = dag.pipeline();
    ExecutionPlan plan = planner.plan(p);
    List<String> order = plan.order();
    assertThat(order).containsExactlyInAnyOrderElementsOf(p.stages().stream().map(Stage::id).toList());
    for (Stage s : p.stages()) {
      for (String need : s.needs()) {
        assertThat(order.indexOf(need)).as("%s before %s", need, s.id()).isLessThan(order.indexOf(s.id()));
      }
    }
    for (PlannedStage s : plan.stages()) {
      for (String need : s.stage().needs()) {
        assertThat(plan.stage(need).orElseThrow().level()).isLessThan(s.level());
      }
    }
  }

  @Property(tries = 500)
  void transitiveReductionKeepsReachabilityAndIsMinimal(@ForAll("dags") RandomDag dag) {
    ExecutionPlan plan = planner.plan(dag.pipeline());
    Map<String, Integer> node = new HashMap<>();
    for (int i = 0; i < dag.n(); i++) node.put(RandomDag.id(i), i);
    List<int[]> reduced = new ArrayList<>();
    for (PlannedStage s : plan.stages()) {
      for (String need : s.needs()) reduced.add(new int[] {node.get(need), node.get(s.id())});
      assertThat(s.redundantNeeds()).allSatisfy(r -> assertThat(s.needs()).doesNotContain(r));
      assertThat(s.needs().size() + s.redundantNeeds().size()).isEqualTo(s.stage().needs().size());
    }
    assertThat(RandomDag.closure(dag.n(), reduced)).isDeepEqualTo(dag.closure());
    for (int k = 0; k < reduced.size(); k++) {
      List<int[]> without = new ArrayList<>(reduced);
      int[] removed = without.remove(k);
      assertThat(RandomDag.closure(dag.n(), without)[removed[0]][removed[1]])
          .as("edge %s->%s is needed", removed[0], removed[1]).isFalse();
    }
  }

  @Property(tries = 200)
  void criticalPathIsAChainOfNeedsAndTheLongest(@ForAll("dags") RandomDag dag) {
    ExecutionPlan plan = planner.plan(dag.pipeline());
    List<String> path = plan.criticalPath().stageIds();
    for (int k = 0; k + 1 < path.size(); k++) {
      assertThat(plan.stage(path.get(k + 1)).orElseThrow().stage().needs()).contains(path.get(k));
    }
    int longestChain = plan.stages().stream().mapToInt(PlannedStage::level).max().orElse(0) + 1;
    assertThat(path).hasSize(longestChain);
  }
}
