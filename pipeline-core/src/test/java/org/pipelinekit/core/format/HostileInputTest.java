package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.expr.Expression;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.ValidationResult;

/**
 * Inputs an outside probe sent to break the readers: alias bombs, huge values, deep expressions.
 * Each must end quickly in the project's own located error. The timeouts are hang guards (the probe
 * saw 74 s and 60 s), not speed claims.
 */
public class HostileInputTest {
  private static final Duration GUARD = Duration.ofSeconds(20);

  /** Anchors nine deep, each level nine aliases of the one before: 9^9 values once expanded, in 1 KB. */
  public static String aliasBomb() {
    StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i <= 9; i++) {
      String prev = "*a" + (i - 1);
      y.append("a").append(i).append(": &a").append(i).append(" [").append(String.join(", ", java.util.Collections.nCopies(9, prev)))
          .append("]\n");
    }
    return y + "job: { script: [echo], variables: { X: *a9 } }\n";
  }

  @Test
  void nativeYaml_refusesAnAliasBomb() {
    String bomb = aliasBomb().replace("job: { script: [echo], variables: { X: *a9 } }\n", "pipelinekit: 1\nid: x\n");
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(GUARD, () ->
        assertThatThrownBy(() -> PipelineFormat.YAML.read(bomb)).isInstanceOf(PipelineFormatException.class));
  }

  @Test
  void aHugeQuotedValue_isRefusedBeforeParsing_sayingTheLimit() {
    String big = "pipelinekit: 1\nid: big\ndescription: \"" + "ab ".repeat(8 * 1024 * 1024 / 3) + "\"\nstages: []\n";
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(GUARD, () -> {
      assertThatThrownBy(() -> PipelineFormat.YAML.read(big)).isInstanceOf(PipelineFormatException.class)
          .hasMessageContaining("larger than").hasMessageContaining("MiB");
      assertThatThrownBy(() -> PipelineFormat.JSON.read(big)).isInstanceOf(PipelineFormatException.class)
          .hasMessageContaining("larger than");
    });
  }

  @Test
  void aQuotedValueJustUnderTheLimit_parsesInLinearTime() {
    String value = "ab\\n".repeat(250_000);
    String doc = "pipelinekit: 1\nid: big\ndescription: \"" + value + "\"\nstages: [{id: a, steps: [{run: echo}]}]\n";
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(GUARD, () ->
        assertThat(PipelineFormat.YAML.read(doc).description().orElseThrow()).hasSize(3 * 250_000));
  }

  @Test
  void deepExpressions_areRefusedWithTheirColumn_notAStackOverflow() {
    for (String text : new String[] {"(".repeat(2_000) + "true" + ")".repeat(2_000), "!".repeat(100_000) + "true",
        "true" + " || true".repeat(100_000), "a == " + "b == ".repeat(10_000) + "c", "f(".repeat(3_000) + ")".repeat(3_000)}) {
      assertThatThrownBy(() -> Expression.parse(text)).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("nested more than");
    }
    assertThat(Expression.parse("(".repeat(50) + "true" + ")".repeat(50)).source()).startsWith("((");
    assertThat(Expression.parse("true" + " || true".repeat(200)).references()).isEmpty();
  }

  @Test
  void deepExpressionsInAPipeline_areValidationProblems_withAPath() {
    Pipeline p = Pipeline.builder("deep").stage("a", s -> s.when("(".repeat(5_000) + "true" + ")".repeat(5_000)).run("echo"))
        .build();
    ValidationResult r = PipelineValidator.create().validate(p);
    assertThat(r.errors()).anySatisfy(e -> {
      assertThat(e.path()).isEqualTo("stages.a.when");
      assertThat(e.message()).contains("nested more than");
    });
  }

  @Test
  void aFileThatIsNotUtf8_isRefusedAtItsFirstBadByte(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    byte[] latin1 = "pipelinekit: 1\nid: caf\u00e9\nname: Caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    java.nio.file.Path yaml = java.nio.file.Files.write(dir.resolve("p.yaml"), latin1);
    assertThatThrownBy(() -> PipelineFormat.read(yaml)).isInstanceOf(PipelineFormatException.class)
        .hasMessageContaining("line 2, column 8: byte 0xE9 is not UTF-8 text; save the file as UTF-8");
  }

}
