package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.RandomPipelines;
import org.pipelinekit.core.testing.SamplePipelines;
import org.pipelinekit.dsl.code.PipelineCode;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/**
 * Random pipelines exported as Java and Kotlin and brought back the slow, real way: the Java
 * compiled with javax.tools and run, the Kotlin evaluated as a script. Each try puts a batch of
 * random pipelines into one class and one script, so the compilers run once a try.
 */
class CompiledRoundTripProperties {
  @Provide
  Arbitrary<List<Pipeline>> batches() {
    return RandomPipelines.pipelines().list().ofSize(30);
  }

  @Property(tries = 3)
  void javaSourceCompiledAndRunGivesTheModel(@ForAll("batches") List<Pipeline> batch) throws Exception {
    List<Pipeline> pipelines = new ArrayList<>(batch);
    pipelines.add(SamplePipelines.javaCi());
    String source = PipelineCode.java(pipelines, "gen", "Generated");
    assertThat(CompiledJava.compileAndRun("gen", "Generated", source)).containsExactlyElementsOf(pipelines);
  }

  @Property(tries = 3)
  void kotlinSourceEvaluatedGivesTheModel(@ForAll("batches") List<Pipeline> batch) {
    List<Pipeline> pipelines = new ArrayList<>(batch);
    pipelines.add(SamplePipelines.javaCi());
    String script = PipelineCode.kotlin(pipelines);
    List<Pipeline> back = new PipelineScriptHost().evaluate(script, "generated.pipeline.kts");
    assertThat(back).containsExactlyElementsOf(pipelines);
  }

  @Test
  void javaExportOfTheSampleReadsWell() {
    String java = PipelineCode.java(SamplePipelines.javaCi(), "com.example.ci", "JavaCiPipeline");
    assertThat(java).contains("package com.example.ci;", "public static Pipeline javaCi() {",
        "return Pipeline.builder(\"java-ci\")", ".stage(\"checkout\", s -> s.type(\"git-clone\")",
        ".retry(r -> r.limit(2)", ".on(RetryOn.EXIT_CODE)", ".backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)))",
        ".timeout(Duration.ofMinutes(20))");
    assertThat(PipelineCode.kotlin(SamplePipelines.javaCi())).contains("pipeline(\"java-ci\") {", "    stage(\"deploy\") {",
        "        condition = \"branch == 'main' && success()\"", "        with(\"coverage_threshold\", 80L)",
        "            key = \"maven-\\${{ hashFiles('**/pom.xml') }}\"");
  }
}
