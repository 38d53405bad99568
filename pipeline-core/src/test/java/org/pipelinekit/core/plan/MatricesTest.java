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
  void githubsFruitAndAnimalExample_givesExactlyTheDocumentedJobs() {
    Matrix m = new Matrix.Builder()
        .axis("fruit", "apple", "pear")
        .axis("animal", "cat", "dog")
        .include(Map.of("color", "green"))
        .include(ordered("color", "pink", "animal", "cat"))
        .include(ordered("fruit", "apple", "shape", "circle"))
        .include(Map.of("fruit", "banana"))
        .include(ordered("fruit", "banana", "animal", "cat"))
        .build();
    assertThat(Matrices.expand(m, 100)).extracting(MatrixCell::values).containsExactly(
        Map.of("fruit", "apple", "animal", "cat", "color", "pink", "shape", "circle"),
        Map.of("fruit", "apple", "animal", "dog", "color", "green", "shape", "circle"),
        Map.of("fruit", "pear", "animal", "cat", "color", "pink"),
        Map.of("fruit", "pear", "animal", "dog", "color", "green"),
        Map.of("fruit", "banana"),
        Map.of("fruit", "banana", "animal", "cat"));
  }

  @Test
  void aMatrixOfIncludesOnly_runsOneJobPerEntry() {
    Matrix three = new Matrix.Builder().include(Map.of("name", "one")).include(Map.of("name", "two")).include(Map.of("name", "three")).build();
    assertThat(Matrices.expand(three, 100)).extracting(c -> c.jobId("build"))
        .containsExactly("build[name=one]", "build[name=two]", "build[name=three]");
    Matrix sites = new Matrix.Builder().include(ordered("site", "production", "datacenter", "site-a"))
        .include(ordered("site", "staging", "datacenter", "site-b")).build(); // GitHub's documented include-only example
    assertThat(Matrices.expand(sites, 100)).extracting(MatrixCell::values)
        .containsExactly(Map.of("site", "production", "datacenter", "site-a"), Map.of("site", "staging", "datacenter", "site-b"));
  }

  @Test
  void includesForOneCombinationThatAddDifferentValues_areSeparateJobs() {
    Matrix m = new Matrix.Builder().axis("os", "linux", "windows").axis("arch", "amd64")
        .include(ordered("os", "linux", "arch", "arm", "goarm", "6"))
        .include(ordered("os", "linux", "arch", "arm", "goarm", "7"))
        .build();
    assertThat(Matrices.expand(m, 100)).extracting(c -> c.jobId("release")).containsExactly(
        "release[os=linux, arch=amd64]", "release[os=windows, arch=amd64]",
        "release[os=linux, arch=arm, goarm=6]", "release[os=linux, arch=arm, goarm=7]");
  }

  @Test
  void githubsExtendingExample_addsAKeyToTheOneCombinationItMatches() {
    Matrix m = new Matrix.Builder().axis("os", "windows-latest", "ubuntu-latest").axis("node", "14", "16")
        .include(ordered("os", "windows-latest", "node", "16", "npm", "6")).build();
    assertThat(Matrices.expand(m, 100)).extracting(MatrixCell::values).containsExactly(
        Map.of("os", "windows-latest", "node", "14"), Map.of("os", "windows-latest", "node", "16", "npm", "6"),
        Map.of("os", "ubuntu-latest", "node", "14"), Map.of("os", "ubuntu-latest", "node", "16"));
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
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
