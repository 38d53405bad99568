package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.testing.RandomDag;

/**
 * Random DAGs of real processes, some failing, some with conditions: no stage starts before its
 * needs end, every stage ends exactly once, and each ends as the skip rules say.
 */
class SchedulerProperties {
  private static PipelineExecutor executor;

  @BeforeContainer
  static void open() {
    executor = PipelineExecutor.builder().maxParallelJobs(4).build();
  }

  @AfterContainer
  static void close() {
    executor.close();
  }

  /** A DAG with, per node, whether its command fails and which condition it has. */
  record Case(RandomDag dag, List<Boolean> fails, List<String> conditions) {}

  @Provide
  Arbitrary<Case> cases() {
    return RandomDag.acyclic().filter(d -> d.n() <= 12).flatMap(d -> Combinators.combine(
        Arbitraries.frequency(net.jqwik.api.Tuple.of(1, true), net.jqwik.api.Tuple.of(3, false)).list().ofSize(d.n()),
        Arbitraries.of("", "", "always()", "failure()", "success()").list().ofSize(d.n()))
        .as((f, c) -> new Case(d, f, c)));
  }

  @Property(tries = 60)
  void stagesStartAfterTheirNeeds_endOnce_andFollowTheSkipRules(@ForAll("cases") Case c) throws Exception {
    Pipeline p = withBehaviour(c.dag().pipeline(), c);
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    ExecutionSnapshot done = e.completion().get(120, TimeUnit.SECONDS);
    rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);

    Map<String, Long> finishedAt = new HashMap<>();
    for (StageFinished f : rec.of(StageFinished.class)) {
      assertThat(finishedAt.put(f.stageId(), f.sequence())).as("%s ended twice", f.stageId()).isNull();
    }
    assertThat(finishedAt.keySet()).hasSize(p.stages().size());
    for (StageStarted st : rec.of(StageStarted.class)) {
      for (String need : p.stage(st.stageId()).orElseThrow().needs()) {
        assertThat(finishedAt.get(need)).as("%s started before its need %s ended", st.stageId(), need).isLessThan(st.sequence());
      }
    }
    Map<String, StageStatus> expected = oracle(p, c);
    for (Stage s : p.stages()) {
      assertThat(done.stage(s.id()).status()).as("status of %s in %s", s.id(), c).isEqualTo(expected.get(s.id()));
    }
    boolean anyFailed = expected.values().stream().anyMatch(x -> x == StageStatus.FAILED);
    assertThat(done.status()).isEqualTo(anyFailed ? ExecutionStatus.FAILED : ExecutionStatus.SUCCEEDED);
  }

  private static Pipeline withBehaviour(Pipeline base, Case c) {
    Pipeline.Builder b = Pipeline.draft("prop");
    for (Stage s : base.stages()) {
      int node = Integer.parseInt(s.id().substring(1));
      Stage.Builder sb = Stage.draft(s.id()).needs(s.needs().toArray(String[]::new)).run(c.fails().get(node) ? "exit 1" : "true");
      if (!c.conditions().get(node).isEmpty()) sb.when(c.conditions().get(node));
      b.stage(sb.build());
    }
    return b.build();
  }

  /** What each stage should end as, computed in topological order from the rules. */
  private static Map<String, StageStatus> oracle(Pipeline p, Case c) {
    Map<String, StageStatus> out = new HashMap<>();
    while (out.size() < p.stages().size()) {
      for (Stage s : p.stages()) {
        if (out.containsKey(s.id()) || !out.keySet().containsAll(s.needs())) continue;
        int node = Integer.parseInt(s.id().substring(1));
        boolean needsOk = s.needs().stream().allMatch(n -> out.get(n) == StageStatus.SUCCEEDED);
        boolean ancestorFailed = ancestors(p, s.id()).stream().anyMatch(a -> out.get(a) == StageStatus.FAILED);
        boolean run = switch (c.conditions().get(node)) {
          case "always()" -> true;
          case "failure()" -> ancestorFailed;
          default -> needsOk;
        };
        out.put(s.id(), !run ? StageStatus.SKIPPED : c.fails().get(node) ? StageStatus.FAILED : StageStatus.SUCCEEDED);
      }
    }
    return out;
  }

  private static Set<String> ancestors(Pipeline p, String id) {
    Set<String> seen = new HashSet<>();
    List<String> todo = new java.util.ArrayList<>(p.stage(id).orElseThrow().needs());
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      if (seen.add(n)) todo.addAll(p.stage(n).orElseThrow().needs());
    }
    return seen;
  }
}
