package org.pipelinekit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Matrix;

class MatricesTest {
  @Test
  void expand_followsGithubIncludeAndExcludeRules() {
    Matrix m = new Matrix.Builder()
        .axis("fruit", "apple", "pear")
        .axis("animal", "cat", "dog")
        .exclude(Map.of("fruit", "pear", "animal", "dog"))
        .include(Map.of("color", "green"))
        .include(Map.of("color", "pink", "animal", "cat"))
        .include(Map.of("fruit", "apple", "shape", "circle"))
        .include(Map.of("fruit", "banana"))
        .include(Map.of("fruit", "banana", "animal", "cat"))
        .build();
    assertThat(Matrices.expand(m, 100)).extracting(MatrixCell::values).containsExactly(
        Map.of("fruit", "apple", "animal", "cat", "color", "pink", "shape", "circle"),
        Map.of("fruit", "apple", "animal", "dog", "color", "green", "shape", "circle"),
        Map.of("fruit", "pear", "animal", "cat", "color", "pink"),
        Map.of("fruit", "banana"),
        Map.of("fruit", "banana", "animal", "cat"));
  }

  @Test
  void jobIds_nameTheCell() {
    assertThat(new MatrixCell(Map.of("jdk", "17")).jobId("test")).isEqualTo("test[jdk=17]");
    assertThat(MatrixCell.NONE.jobId("test")).isEqualTo("test");
  }

  @Test
  void expand_refusesToBlowUp() {
    Matrix m = new Matrix.Builder().axis("a", List.of("1", "2", "3")).axis("b", List.of("1", "2", "3")).build();
    assertThatThrownBy(() -> Matrices.expand(m, 8)).hasMessage("matrix has 9 combinations, more than the limit of 8");
  }
}
