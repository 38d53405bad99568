package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.RandomPipelines;
import org.pipelinekit.dsl.code.PipelineCode;

/** model → Java source → JavaParser import = model, for random pipelines (no compiler involved: many tries). */
class CodeRoundTripProperties {
  @Provide
  Arbitrary<Pipeline> pipelines() {
    return RandomPipelines.pipelines();
  }

  @Property(tries = 300)
  void javaSourceImportedStaticallyEqualsTheModel(@ForAll("pipelines") Pipeline p) {
    String java = PipelineCode.java(p, "com.example", "Generated");
    List<Pipeline> back = PipelineCode.readJava(java, "Generated.java");
    assertThat(back).as(java).containsExactly(p);
  }
}
