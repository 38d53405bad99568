package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;

/** Random pipelines written as GitHub Actions workflows and imported again keep their graph and their stages' settings. */
class GitHubActionsExportProperties {
  @Provide
  Arbitrary<Pipeline> pipelines() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    return Arbitraries.integers().between(1, 8).flatMap(n -> Combinators.combine(
        word.list().ofSize(n), word.list().ofSize(n), Arbitraries.integers().between(0, 255).list().ofSize(n),
        Arbitraries.integers().between(0, 120).list().ofSize(n), Arbitraries.of(true, false).list().ofSize(n))
        .as((cmds, envs, needBits, timeouts, flags) -> {
          Pipeline.Builder b = Pipeline.builder("random");
          for (int i = 0; i < n; i++) {
            int index = i;
            List<String> needs = new ArrayList<>();
            for (int j = 0; j < i; j++) if ((needBits.get(i) >> j & 1) == 1) needs.add("s" + j);
            b.stage("s" + i, s -> {
              s.needs(needs.toArray(String[]::new)).env("V", envs.get(index)).run("echo " + cmds.get(index));
              if (timeouts.get(index) > 0) s.timeout(Duration.ofMinutes(timeouts.get(index)));
              if (flags.get(index)) s.continueOnError(true).matrix(m -> m.axis("k", "x", "y"));
            });
          }
          return b.build();
        }));
  }

  @Property(tries = 200)
  void exportThenImportKeepsTheGraphAndTheStagesSettings(@ForAll("pipelines") Pipeline p) {
    Pipeline back = GitHubActionsExportTest.reimport(p).pipeline();
    Map<String, Stage> byId = new LinkedHashMap<>();
    back.stages().forEach(s -> byId.put(s.id(), s));
    assertThat(byId.keySet()).containsExactlyElementsOf(p.stages().stream().map(Stage::id).toList());
    for (Stage s : p.stages()) {
      Stage r = byId.get(s.id());
      assertThat(r.needs()).containsExactlyElementsOf(s.needs());
      assertThat(r.env()).isEqualTo(s.env());
      assertThat(r.timeout()).isEqualTo(s.timeout());
      assertThat(r.continueOnError()).isEqualTo(s.continueOnError());
      assertThat(r.matrix().map(m -> m.axes())).isEqualTo(s.matrix().map(m -> m.axes()));
      assertThat(r.steps()).hasSize(1);
      assertThat(r.steps().get(0).run()).contains(s.steps().get(0).run());
    }
  }
}
