package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a download puts an artifact's files, checked by running the placement in sh over real files. */
class GitHubArtifactsTest {
  @TempDir Path ws;

  @Test
  void aDirectorysContentsGoUnderThePath() throws Exception {
    create("dist/app.whl", "dist/sub/n.txt", "src/Main.java");
    place(List.of("dist/"), "downloaded");
    assertThat(files("downloaded")).containsExactly("downloaded/app.whl", "downloaded/sub/n.txt");
  }

  @Test
  void aDirectoryDownloadedIntoTheWorkspaceSpillsItsContentsThere() throws Exception {
    create("dist/app.whl");
    place(List.of("dist"), ".");
    assertThat(Files.exists(ws.resolve("app.whl"))).isTrue();
  }

  @Test
  void aFileComesByItsName_andOneAlreadyThereIsLeftAlone() throws Exception {
    create("out/report.txt", "top.txt");
    place(List.of("out/report.txt"), ".");
    assertThat(Files.exists(ws.resolve("report.txt"))).isTrue();
    place(List.of("top.txt"), "."); // the same file: no "are the same file" failure
    assertThat(Files.exists(ws.resolve("top.txt"))).isTrue();
  }

  @Test
  void aWildcardKeepsThePartAfterItsDirectory() throws Exception {
    create("build/libs/a.jar", "build/libs/b.jar", "build/libs/c.txt");
    place(List.of("build/libs/*.jar"), "jars");
    assertThat(files("jars")).containsExactly("jars/a.jar", "jars/b.jar");
  }

  @Test
  void severalPathsKeepTheirPlacesBelowTheirCommonAncestor() throws Exception {
    create("reports/unit/u.xml", "reports/it/i.xml", "reports/other.txt");
    place(List.of("reports/unit", "reports/it/i.xml"), "got");
    assertThat(files("got")).containsExactly("got/it/i.xml", "got/unit/u.xml");
  }

  @Test
  void whatItCannotReadIsSaidNotGuessed() {
    assertThat(GitHubArtifacts.placement(List.of("dist/**/*.whl"), ".")).isEmpty();
    assertThat(GitHubArtifacts.placement(List.of("/tmp/out"), ".")).isEmpty();
    assertThat(GitHubArtifacts.placement(List.of("../up"), ".")).isEmpty();
    assertThat(GitHubArtifacts.placement(List.of("a/*/b"), ".")).isEmpty();
    assertThat(GitHubArtifacts.placement(List.of("dist"), "dist/")).contains("");
  }

  private void place(List<String> uploaded, String destination) throws Exception {
    String script = GitHubArtifacts.placement(uploaded, destination).orElseThrow();
    Process p = new ProcessBuilder("sh", "-ec", script).directory(ws.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s\n%s", script, out).isZero();
  }

  private void create(String... files) throws Exception {
    for (String f : files) {
      Files.createDirectories(ws.resolve(f).getParent());
      Files.writeString(ws.resolve(f), f);
    }
  }

  private List<String> files(String under) throws Exception {
    try (Stream<Path> all = Files.walk(ws.resolve(under))) {
      return all.filter(Files::isRegularFile).map(f -> ws.relativize(f).toString()).sorted().toList();
    }
  }
}
