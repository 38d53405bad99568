package org.pipelinekit.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.testing.RandomDag;

class CycleProperties {
  private final PipelineValidator validator = PipelineValidator.create();

  @Provide
  Arbitrary<RandomDag> graphs() {
    return RandomDag.withBackEdges();
  }

  @Property(tries = 500)
  void cycleIsReportedIffOneExists_andEachReportedPathIsARealCycle(@ForAll("graphs") RandomDag dag) {
    Pipeline p = dag.pipeline();
    List<Problem> cycles = validator.validate(p).problems().stream().filter(x -> x.code() == ProblemCode.CYCLE).toList();
    assertThat(!cycles.isEmpty()).as("cycle reported for %s", dag).isEqualTo(dag.hasCycle());
    for (Problem problem : cycles) {
      String names = problem.message().substring("the needs form a cycle: ".length());
      String[] ids = names.split(" → ");
      assertThat(ids.length).isGreaterThanOrEqualTo(2);
      assertThat(ids[0]).isEqualTo(ids[ids.length - 1]);
      for (int k = 0; k + 1 < ids.length; k++) {
        Stage downstream = p.stage(ids[k + 1]).orElseThrow();
        assertThat(downstream.needs()).as("%s needs %s in %s", ids[k + 1], ids[k], dag).contains(ids[k]);
      }
      Stage first = p.stage(ids[0]).orElseThrow();
      int need = first.needs().indexOf(ids[ids.length - 2]);
      assertThat(problem.path()).isEqualTo("stages." + ids[0] + ".needs[" + need + "]");
    }
  }

  @Property(tries = 200)
  void acyclicGraphsAreValid(@ForAll("dags") RandomDag dag) {
    assertThat(validator.validate(dag.pipeline()).problems()).isEmpty();
  }

  @Provide
  Arbitrary<RandomDag> dags() {
    return RandomDag.acyclic();
  }
}
