package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.code.PipelineCode;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/**
 * Exported code must not hit the JVM's limits (64 KiB of code per method) nor the compilers' stack
 * depth: a 2,500-stage pipeline is written as chains of 100 stages in helpers of 1,000, and all three
 * ways back give the model.
 */
class LargePipelineCodeTest {
  static final int STAGES = 2_500;
  static Pipeline large;

  @BeforeAll
  static void build() {
    Pipeline.Builder b = Pipeline.builder("large").description("one long chain of stages");
    for (int i = 0; i < STAGES; i++) {
      int k = i;
      b.stage("s" + i, s -> {
        s.run("echo " + k);
        if (k > 0) s.needs("s" + (k - 1));
      });
    }
    large = b.build();
  }

  @Test
  void javaCompiledAndRun() throws Exception {
    String java = PipelineCode.java(large, "gen", "Large");
    assertThat(java).contains("Pipeline.Builder pipeline = Pipeline.builder(\"large\")", "largeStages3(pipeline);",
        "private static void largeStages1(Pipeline.Builder pipeline) {");
    assertThat(CompiledJava.compileAndRun("gen", "Large", java)).containsExactly(large);
  }

  @Test
  void javaImportedStatically() {
    assertThat(PipelineCode.readJava(PipelineCode.java(large, "gen", "Large"), "Large.java")).containsExactly(large);
  }

  @Test
  void kotlinEvaluated() {
    String kotlin = PipelineCode.kotlin(List.of(large));
    assertThat(kotlin).contains("fun PipelineScope.stagesPart3() {", "    stagesPart1()");
    assertThat(new PipelineScriptHost().evaluate(kotlin, "large.pipeline.kts")).containsExactly(large);
  }
}
