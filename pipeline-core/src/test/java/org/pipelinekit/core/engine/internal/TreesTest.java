package org.pipelinekit.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small tree is copied in Java, a large one with cp: both give the same copy (contents, links, modes, times). */
class TreesTest {
  @TempDir Path dir;

  private static void fill(Path root, int files) throws IOException {
    Files.createDirectories(root.resolve("sub/deeper"));
    Files.createDirectories(root.resolve("empty"));
    Path tool = Files.writeString(root.resolve("sub/tool.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setLastModifiedTime(tool, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
    Files.createSymbolicLink(root.resolve("sub/link"), Path.of("tool.sh"));
    for (int i = 0; i < files; i++) Files.writeString(root.resolve("sub/deeper/f" + i + ".txt"), "file " + i);
  }

  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.skip(1).toList()) {
        String what;
        if (Files.isSymbolicLink(p)) what = "link " + Files.readSymbolicLink(p);
        else if (Files.isDirectory(p)) what = "dir";
        else what = "file " + Files.readString(p) + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
            + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
        out.put(root.relativize(p).toString(), what);
      }
    }
    return out;
  }

  @Test
  void smallAndLargeTrees_copyAlike_intoADirectoryThatHoldsFilesAlready() throws IOException {
    for (int files : new int[] {0, 3, org.pipelinekit.core.files.FileTrees.SMALL_ENTRIES + 10}) {
      Path from = dir.resolve("from-" + files);
      Path to = dir.resolve("to-" + files);
      fill(from, files);
      Files.createDirectories(to.resolve("sub"));
      Files.writeString(to.resolve("sub/tool.sh"), "old");
      Files.writeString(to.resolve("kept.txt"), "kept");
      String kept = tree(to).get("kept.txt");
      org.pipelinekit.core.files.FileTrees.copy(from, to);
      Map<String, String> expected = tree(from);
      expected.put("kept.txt", kept);
      assertThat(tree(to)).as(files + " files").isEqualTo(expected);
    }
    org.pipelinekit.core.files.FileTrees.copy(dir.resolve("missing"), dir.resolve("nowhere"));
    assertThat(dir.resolve("nowhere")).doesNotExist();
  }
}
