package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.HostileInputTest;

/**
 * CI files an outside probe sent to break the importers: alias bombs, self-referencing anchors, huge
 * values, bytes that are not UTF-8. Each ends quickly in a located ImportException. The timeouts are
 * hang guards (the probe saw 74 s), not speed claims.
 */
class HostileCiFilesTest {
  private static final Duration GUARD = Duration.ofSeconds(20);

  private static String aliasBomb() {
    return HostileInputTest.aliasBomb();
  }

  @Test
  void gitlabImport_refusesAnAliasBomb_saysWhere() {
    assertThat(aliasBomb().length()).isLessThan(1024);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(GUARD, () ->
        assertThatThrownBy(() -> CiImport.read(aliasBomb(), ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.empty()))
            .isInstanceOf(ImportException.class)
            .hasMessageContaining("aliases"));
  }

  @Test
  void githubImport_refusesAnAliasBomb() {
    String bomb = aliasBomb().replace("job: { script: [echo], variables: { X: *a9 } }\n",
        "on: push\njobs: { b: { runs-on: x, env: { X: *a9 }, steps: [ { run: echo } ] } }\n");
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(GUARD, () ->
        assertThatThrownBy(() -> CiImport.read(bomb, "ci.yml", CiImport.Kind.GHA, Optional.empty()))
            .isInstanceOf(ImportException.class));
  }

  @Test
  void anAnchorThatContainsItself_isRefusedWithItsPlace() {
    for (CiImport.Kind kind : new CiImport.Kind[] {CiImport.Kind.GITLAB, CiImport.Kind.GHA, CiImport.Kind.BITBUCKET}) {
      assertThatThrownBy(() -> CiImport.read("&x0 [a, *x0, *x0]\njob: { script: [echo] }\n", "ci.yml", kind, Optional.empty()))
          .as(kind.id()).isInstanceOf(ImportException.class).hasMessageContaining("ci.yml:1:").hasMessageContaining("contains itself");
    }
  }

  @Test
  void aHugeCiFile_isRefusedBeforeParsing() {
    String big = "job:\n  script: [\"" + "ab ".repeat(3 * 1024 * 1024 / 3) + "\"]\n";
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(GUARD, () ->
        assertThatThrownBy(() -> CiImport.read(big, ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.empty()))
            .isInstanceOf(ImportException.class).hasMessageContaining("larger than"));
  }

  @Test
  void aCiFileThatIsNotUtf8_isRefusedAtItsFirstBadByte(@TempDir Path dir) throws Exception {
    Path gitlab = Files.write(dir.resolve(".gitlab-ci.yml"), "job:\n  script: [echo \u00e9]\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> CiImport.read(gitlab, Optional.of(CiImport.Kind.GITLAB))).isInstanceOf(ImportException.class)
        .hasMessageContaining(":2:17: byte 0xE9 is not UTF-8 text");
  }
}
