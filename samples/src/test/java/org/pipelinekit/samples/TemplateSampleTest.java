package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;

class TemplateSampleTest {
  @Test
  void theSampleMakesTheOrdersPipeline_andTheReadmeShowsIt() throws IOException {
    Pipeline ci = TemplateSample.ordersCi();
    assertThat(ci.id()).isEqualTo("orders-ci");
    assertThat(ci.template().orElseThrow().id()).isEqualTo("java-maven");
    assertThat(ci.stage("test").orElseThrow().image()).contains("maven:3-eclipse-temurin-21");
    assertThat(ci.stage("coverage").orElseThrow().when()).contains("80 > 0");
  }
}
