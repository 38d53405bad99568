package org.pipelinekit.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobTest {
  @TempDir Path root;

  @BeforeEach
  void tree() throws IOException {
    for (String f : List.of("README.md", "TEST-top.xml", "dist/app.bin", "dist/lib/a.so", "build/reports/TEST-a.xml",
        "build/reports/index.html", "build/classes/A.class", "distribution.txt")) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
  }

  private List<String> find(String... patterns) {
    return Glob.find(root, List.of(patterns)).stream().map(p -> p.toString().replace('\\', '/')).toList();
  }

  @Test
  void linksToDirectoriesAreSkippedForReading_butFoundAsLinksForCopying() throws IOException {
    Files.createDirectories(root.resolve("node_modules/@acme"));
    Files.createSymbolicLink(root.resolve("node_modules/@acme/lib"), Path.of("../../dist"));
    Files.createSymbolicLink(root.resolve("node_modules/gone"), Path.of("nowhere"));
    assertThat(find("node_modules")).isEmpty();
    assertThat(Glob.find(root, List.of("node_modules"), true)).extracting(p -> p.toString().replace('\\', '/'))
        .containsExactly("node_modules/@acme/lib", "node_modules/gone");
  }

  @Test
  void filePatternsMatchFilesRelativeToTheRoot() {
    assertThat(find("build/reports/*.xml")).containsExactly("build/reports/TEST-a.xml");
    assertThat(find("./README.md")).containsExactly("README.md");
    assertThat(find("*.md", "dist/*.bin")).containsExactly("README.md", "dist/app.bin");
  }

  @Test
  void doubleStarMatchesAtEveryDepthIncludingTheTop() {
    assertThat(find("**/TEST-*.xml")).containsExactly("TEST-top.xml", "build/reports/TEST-a.xml");
  }

  @Test
  void aPatternNamingADirectoryTakesEverythingBelowIt() {
    assertThat(find("dist")).containsExactly("dist/app.bin", "dist/lib/a.so");
    assertThat(find("dist/")).containsExactly("dist/app.bin", "dist/lib/a.so");
    assertThat(find("./dist/")).containsExactly("dist/app.bin", "dist/lib/a.so");
    assertThat(find("build/*/")).containsExactly("build/classes/A.class", "build/reports/TEST-a.xml", "build/reports/index.html");
    assertThat(find("**/reports")).containsExactly("build/reports/TEST-a.xml", "build/reports/index.html");
  }

  /**
   * Stages share a workspace: one may delete a directory while another's artifacts are matched. Files that go away
   * mid-walk are simply not found; the walk does not fail (it did: "stage 'tests' failure" in ArtifactsInEngineTest,
   * while the clean stage ran rm -rf target).
   */
  @Test
  void filesThatVanishDuringTheSearchAreNotAnError() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread churn = new Thread(() -> {
      Path t = root.resolve("churn");
      while (!stop.get()) {
        try {
          for (int i = 0; i < 20; i++) Files.createDirectories(t.resolve("d" + i + "/e")).resolve("f").toFile().createNewFile();
          try (var all = Files.walk(t)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
          }
        } catch (IOException | java.io.UncheckedIOException ignored) {
          // racing with itself is fine
        }
      }
    });
    churn.start();
    try {
      for (int i = 0; i < 300; i++) assertThat(find("dist/")).containsExactly("dist/app.bin", "dist/lib/a.so");
      for (int i = 0; i < 300; i++) assertThat(find("**/*.so")).containsExactly("dist/lib/a.so");
    } finally {
      stop.set(true);
      churn.join();
    }
  }

  @Test
  void nothingMatchesNothingAndAMissingRootIsEmpty() {
    assertThat(find("missing/")).isEmpty();
    assertThat(find("dist/*.txt")).isEmpty();
    assertThat(Glob.find(root.resolve("absent"), List.of("**"))).isEmpty();
  }
}
