package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.stage.StageRegistry;

class StageHelpersTest {
  @Test
  void theCommittedHelpersAreWhatTheSchemasGenerate() throws Exception {
    assertThat(Files.readString(StageHelpersGenerator.FILE))
        .as("StageHelpers.kt is stale: run StageHelpersGenerator.main to regenerate it from the stage schemas")
        .isEqualTo(StageHelpersGenerator.source(StageRegistry.builtins()));
  }

  @Test
  void everySchemaInputHasADslProperty() throws Exception {
    for (StageType t : StageRegistry.builtins().all()) {
      if (t.acceptsSteps()) continue;
      Class<?> inputs = Class.forName("org.pipelinekit.dsl." + StageHelpersGenerator.pascalForTest(t.id()) + "Inputs");
      Set<String> setters = Arrays.stream(inputs.getMethods()).map(Method::getName).filter(n -> n.startsWith("set"))
          .collect(Collectors.toSet());
      for (InputSpec in : t.inputs()) {
        String camel = StageHelpersGenerator.camel(in.name());
        assertThat(setters).as("%s input %s", t.id(), in.name())
            .contains("set" + Character.toUpperCase(camel.charAt(0)) + camel.substring(1));
      }
      Class<?> helpers = Class.forName("org.pipelinekit.dsl.StageHelpersKt");
      assertThat(Arrays.stream(helpers.getMethods()).map(Method::getName))
          .contains(StageHelpersGenerator.camel(t.id().replace('-', '_')));
    }
  }
}
