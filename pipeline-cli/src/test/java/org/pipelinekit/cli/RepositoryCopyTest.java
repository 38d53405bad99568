package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.imports.CiImport;

class RepositoryCopyTest {
  @Test
  void theRepositoryOfACiFileIsWhereItsKindIsKept(@TempDir Path dir) throws Exception {
    Path workflow = Files.createDirectories(dir.resolve("app/.github/workflows")).resolve("ci.yml");
    assertThat(RepositoryCopy.root(workflow, Optional.of(CiImport.Kind.GHA))).isEqualTo(dir.resolve("app"));
    Path gitlab = Files.createDirectories(dir.resolve("lib/.gitlab")).resolve("deploy.yml");
    assertThat(RepositoryCopy.root(gitlab, Optional.of(CiImport.Kind.GITLAB))).isEqualTo(dir.resolve("lib"));
    assertThat(RepositoryCopy.root(dir.resolve("lib/.gitlab-ci.yml"), Optional.of(CiImport.Kind.GITLAB))).isEqualTo(dir.resolve("lib"));
    // a .git above wins, however deep the file is
    Files.createDirectories(dir.resolve("mono/.git"));
    Path deep = Files.createDirectories(dir.resolve("mono/services/api/ci")).resolve("build.yml");
    assertThat(RepositoryCopy.root(deep, Optional.of(CiImport.Kind.GHA))).isEqualTo(dir.resolve("mono"));
  }

  @Test
  void withoutGitTheDirectoryIsCopiedWholeButNotTheRunsOwnData(@TempDir Path dir) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(repo.resolve("src/main"));
    Files.writeString(repo.resolve("src/main/App.java"), "class App {}");
    Path script = Files.writeString(repo.resolve("build.sh"), "#!/bin/sh\necho hi\n");
    script.toFile().setExecutable(true);
    Path data = Files.createDirectories(repo.resolve(".pk-data"));
    Files.writeString(data.resolve("executions.log"), "old");
    Path to = Files.createDirectories(data.resolve("workspace-1"));

    RepositoryCopy.Copied copied = RepositoryCopy.copy(repo, to, data);

    assertThat(copied.files()).isEqualTo(2);
    assertThat(copied.git()).isFalse();
    assertThat(to.resolve("src/main/App.java")).hasContent("class App {}");
    assertThat(Files.isExecutable(to.resolve("build.sh"))).isTrue();
    assertThat(to.resolve(".pk-data")).doesNotExist();
    assertThat(copied.toString()).startsWith("a copy of " + repo + " (2 files, ");
  }

  /** A directory without git that holds too much (a home directory, a disk of videos) is refused with what to do instead. */
  @Test
  void withoutGitADirectoryAboveTheSizeLimitIsRefused(@TempDir Path dir) throws Exception {
    Path big = Files.createDirectories(dir.resolve("big"));
    for (int i = 0; i < 3; i++) Files.write(big.resolve("part-" + i), new byte[1024]);
    Path to = Files.createDirectories(dir.resolve("data/workspace-1"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RepositoryCopy.copy(big, to, dir.resolve("data"), 2048))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage(big + " holds more than 2048 bytes and is not a git repository; say where to run with --workspace DIR (the jobs"
            + " then start from a copy of it)");
    assertThat(RepositoryCopy.copy(big, Files.createDirectories(dir.resolve("data/workspace-2")), dir.resolve("data"), 4096).files())
        .isEqualTo(3);
  }
}
