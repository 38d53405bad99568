package org.pipelinekit.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.files.FileTrees;

/**
 * A tree written into a file through {@link DigestingCopy.Sequence} (headers as bytes, contents
 * copied by the kernel) is byte for byte the archive commons-compress streams, its digest is the
 * SHA-256 of those bytes, and it reads back as the tree.
 */
class TreeTarProperties {
  /** The digest threads; a cached pool's idle threads end by themselves. */
  private static final ExecutorService HASHERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tree-tar-digest");
    t.setDaemon(true);
    return t;
  });

  /** A file of the tree: its relative path, its size, or -1 for a symbolic link. */
  record Item(String path, int size) {}

  @Provide
  Arbitrary<List<Item>> trees() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(90).ofMaxLength(140), // past ustar's 100-character name
        Arbitraries.of("é", "日本", "name with space", "x.tar"));
    Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(3).map(s -> String.join("/", s));
    Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.of(-1, 0, 1, 511, 512, 513, 65_535, 65_536, 65_537, 300_001),
        Arbitraries.integers().between(0, 200_000));
    return Combinators.combine(path, size).as(Item::new).list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 40)
  void aTreeWrittenIntoAFile_isTheStreamedArchive(@ForAll("trees") List<Item> items) throws Exception {
    Path work = Files.createTempDirectory("tree-tar-");
    try {
      Path root = Files.createDirectories(work.resolve("root"));
      Map<String, byte[]> contents = build(root, items);
      List<Path> paths;
      try (var walk = Files.walk(root)) {
        paths = walk.filter(p -> !p.equals(root)).map(root::relativize).sorted().toList();
      }
      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      TreeTar.write(streamed, root, paths);

      Path file = work.resolve("archive.tar");
      DigestingCopy.Result r;
      try (FileChannel target = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
           DigestingCopy.Sequence out = DigestingCopy.sequence(target, HASHERS, Long.MAX_VALUE, size -> { })) {
        TreeTar.write(out, root, paths);
        r = out.finish();
      }
      byte[] written = Files.readAllBytes(file);
      byte[] expected = streamed.toByteArray();
      assertThat(written.length).as("length").isEqualTo(expected.length);
      assertThat(java.util.Arrays.mismatch(written, expected)).as("the first byte that differs").isEqualTo(-1);
      assertThat(r.size()).isEqualTo(written.length);
      assertThat(r.digest()).isEqualTo("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)));
      assertThat(read(written)).containsExactlyInAnyOrderEntriesOf(contents);
    } finally {
      FileTrees.delete(work);
    }
  }

  @Test
  void aTreeLargerThanTheLimit_isRefusedBeforeItsContentIsWritten(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.write(root.resolve("a.bin"), new byte[100_000]);
    Files.write(root.resolve("b.bin"), new byte[100_000]);
    Path file = dir.resolve("archive.tar");
    try (FileChannel target = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
         DigestingCopy.Sequence out = DigestingCopy.sequence(target, HASHERS, 150_000, size -> {
           throw new IllegalStateException("too large: " + size);
         })) {
      assertThatThrownBy(() -> TreeTar.write(out, root, List.of(Path.of("a.bin"), Path.of("b.bin"))))
          .hasMessageStartingWith("too large: 20"); // both files with their headers

      assertThat(Files.size(file)).isLessThan(150_000);
    }
  }

  private static Map<String, byte[]> build(Path root, List<Item> items) throws IOException {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    int n = 0;
    for (Item item : items) {
      Path p = root.resolve(item.path());
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || contents.keySet().stream().anyMatch(k -> item.path().startsWith(k + "/")
          || k.startsWith(item.path() + "/"))) {
        continue; // a name already taken, as a file or as a directory
      }
      Files.createDirectories(p.getParent());
      if (item.size() < 0) {
        Files.createSymbolicLink(p, Path.of("target-" + n++));
        contents.put(item.path(), ("-> target-" + (n - 1)).getBytes(StandardCharsets.UTF_8));
      } else {
        byte[] bytes = new byte[item.size()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31 + n);
        n++;
        Files.write(p, bytes);
        contents.put(item.path(), bytes);
      }
    }
    return contents;
  }

  private static Map<String, byte[]> read(byte[] archive) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    List<String> dirs = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.ByteArrayInputStream(archive))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.isDirectory()) dirs.add(e.getName());
        else if (e.isSymbolicLink()) out.put(e.getName(), ("-> " + e.getLinkName()).getBytes(StandardCharsets.UTF_8));
        else out.put(e.getName(), tar.readAllBytes());
      }
    }
    assertThat(dirs).allMatch(d -> d.endsWith("/"));
    return out;
  }
}
