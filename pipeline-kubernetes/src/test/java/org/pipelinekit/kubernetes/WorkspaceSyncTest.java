package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.files.FileTrees;
import org.pipelinekit.kubernetes.internal.PodScripts;
import org.pipelinekit.kubernetes.internal.WorkspaceSync;

/**
 * The workspace's round trip between host and pod, with the pod played by this machine's sh, find, stat and tar running
 * the runner's own scripts in a directory: whatever either side does to the tree (files, directories, modes, links,
 * deletions, a rewrite of the same size in the same second), after a sync both hold the same tree.
 */
class WorkspaceSyncTest {

  /** One change to a tree: what, where (an index into a few names), and the bytes. */
  record Change(int kind, int where, String content) {}

  @Provide
  Arbitrary<List<Change>> changes() {
    Arbitrary<Change> change = Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 7),
        Arbitraries.strings().alpha().numeric().ofMaxLength(40)).as(Change::new);
    return change.list().ofMaxSize(12);
  }

  private static final String[] NAMES = {"a.txt", "dir/b.txt", "dir/sub/c.bin", "space name.txt", "dir/sub/d", "e", "dir/f.sh", "g/h/i"};

  private static void apply(Path root, Change c) throws IOException {
    Path p = root.resolve(NAMES[c.where()]);
    switch (c.kind()) {
      case 0, 1 -> { // write (new or changed)
        if (Files.isSymbolicLink(p.getParent() == null ? root : p.getParent())) return;
        removeBlocking(root, p);
        Files.createDirectories(p.getParent());
        Files.writeString(p, c.content());
      }
      case 2 -> { // the same size, rewritten in the same second as it was last written
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          String old = Files.readString(p);
          Files.writeString(p, old.isEmpty() ? "" : "#".repeat(old.length()));
          Files.setLastModifiedTime(p, Files.getLastModifiedTime(p));
        }
      }
      case 3 -> { // delete (a file or a whole directory)
        Path target = c.content().length() % 2 == 0 ? p : p.getParent();
        if (target != null && !target.equals(root) && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) FileTrees.delete(target);
          else Files.delete(target);
        }
      }
      case 4 -> { // chmod +x / -x
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(c.content().length() % 2 == 0 ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
      case 5 -> { // a link to another name
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p.getParent() == null ? root : p.getParent())) return;
        removeBlocking(root, p);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of("target-" + c.content()));
      }
      default -> { // an empty directory
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          removeBlocking(root, p);
          Files.createDirectories(p);
        }
      }
    }
  }

  /** Removes a file (or link) that stands where {@code p} needs a directory on its way. */
  private static void removeBlocking(Path root, Path p) throws IOException {
    Path dir = root;
    for (Path part : root.relativize(p.getParent() == null ? root : p.getParent())) {
      if (part.toString().isEmpty()) continue;
      dir = dir.resolve(part);
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) Files.delete(dir);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) FileTrees.delete(p);
  }

  /** A tree as its paths: type, content or link target, and the owner's execute bit. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (var walk = Files.walk(root)) {
      for (Path p : walk.filter(p -> !p.equals(root)).toList()) {
        String name = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) out.put(name, "link " + Files.readSymbolicLink(p));
        else if (Files.isDirectory(p)) out.put(name, "dir");
        else out.put(name, "file " + Files.readString(p) + (Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE) ? " +x" : ""));
      }
    }
    return out;
  }

  /** Runs one of the runner's pod scripts here, in {@code pod} (its /workspace and /pipelinekit are directories in it). */
  private static byte[] inPod(Path pod, String script, byte[] stdin, String... args) throws Exception {
    String local = FakeKubelet.inPod(script, pod);
    List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", local, "pipelinekit"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errors = new Thread(() -> {
      try {
        p.getErrorStream().transferTo(err);
      } catch (IOException e) {
        // ended
      }
    });
    errors.start();
    byte[] out = p.getInputStream().readAllBytes();
    errors.join();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out;
  }

  /** Host → pod: the upload's tar unpacked in the pod, its deletions done (as the step's script does). */
  private static void intoPod(WorkspaceSync sync, Path pod) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    WorkspaceSync.Upload upload = sync.upload(tar);
    Path w = pod.resolve("workspace");
    Process untar = new ProcessBuilder("tar", "-xf", "-", "-C", w.toString()).start();
    try (OutputStream in = untar.getOutputStream()) {
      in.write(tar.toByteArray());
    }
    assertThat(untar.waitFor()).isZero();
    for (String gone : upload.deleted()) {
      Path p = w.resolve(gone).normalize();
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) FileTrees.delete(p);
      else Files.deleteIfExists(p);
    }
  }

  /** Pod → host: the pod's listing, then the tar of what changed. */
  private static void outOfPod(WorkspaceSync sync, Path pod) throws Exception {
    Files.createDirectories(pod.resolve("pipelinekit"));
    String listing = new String(inPod(pod, PodScripts.COLLECT, new byte[0], "1"), StandardCharsets.UTF_8);
    List<String> fetch = sync.listed(listing);
    if (fetch.isEmpty()) return;
    byte[] names = WorkspaceSync.fetchList(fetch);
    byte[] tar = inPod(pod, PodScripts.FETCH, names, "1", Integer.toString(names.length));
    sync.fetched(new ByteArrayInputStream(tar));
  }

  @Property(tries = 60)
  void afterEverySync_hostAndPodHoldTheSameTree(@ForAll("changes") List<Change> onHost, @ForAll("changes") List<Change> inPod,
      @ForAll("changes") List<Change> onHostAgain) throws Exception {
    Path dir = Files.createTempDirectory("pipelinekit-sync-");
    try {
      Path host = Files.createDirectories(dir.resolve("host"));
      Path pod = dir.resolve("pod");
      Files.createDirectories(pod.resolve("workspace"));
      for (Change c : onHost) apply(host, c);
      WorkspaceSync sync = new WorkspaceSync(host);
      intoPod(sync, pod);
      assertThat(tree(pod.resolve("workspace"))).as("host → pod").isEqualTo(tree(host));
      for (Change c : inPod) apply(pod.resolve("workspace"), c);
      outOfPod(sync, pod);
      assertThat(tree(host)).as("pod → host").isEqualTo(tree(pod.resolve("workspace")));
      for (Change c : onHostAgain) apply(host, c);
      intoPod(sync, pod);
      assertThat(tree(pod.resolve("workspace"))).as("host → pod again").isEqualTo(tree(host));
    } finally {
      FileTrees.delete(dir);
    }
  }

  @Test
  void aPodCannotWriteOutsideTheWorkspace_throughALinkOrDotDot(@TempDir Path dir) throws Exception {
    Path host = Files.createDirectories(dir.resolve("host"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    WorkspaceSync sync = new WorkspaceSync(host);
    assertThatThrownBy(() -> sync.fetched(new ByteArrayInputStream(tar(
        link("./evil", outside.toString()), file("./evil/passwd", "owned")))))
        .hasMessageContaining("through the link evil");
    assertThatThrownBy(() -> sync.fetched(new ByteArrayInputStream(tar(file("./../escaped", "owned")))))
        .hasMessageContaining("outside the workspace");
    assertThatThrownBy(() -> sync.fetched(new ByteArrayInputStream(tar(link("./deep", outside.toString()), file("./deep/sub/x", "owned")))))
        .hasMessageContaining("through the link deep");
    try (var files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
    assertThat(dir.resolve("escaped")).doesNotExist();
  }

  private interface Entry {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static Entry link(String name, String target) {
    return tar -> {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    };
  }

  private static Entry file(String name, String content) {
    return tar -> {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name, true);
      e.setSize(bytes.length);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
    };
  }

  private static byte[] tar(Entry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (Entry e : entries) e.write(tar);
    }
    return out.toByteArray();
  }
}
