package org.pipelinekit.kubernetes.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Keeps a job's workspace on its host and the copy in its pod alike, one step at a time, as rsync would with what every
 * image has ({@code sh}, {@code find}, {@code stat}, {@code tar}). Both sides are compared with what was last seen alike (the
 * manifest: size, modification second and mode of each path): before a step, what changed on the host goes into the pod
 * (a tar stream) and what the host deleted is deleted there; after it, the pod lists its workspace, and what changed is
 * fetched (a tar stream) and what it deleted is deleted on the host. Modification times are kept, so unchanged files
 * compare equal; a path changed in the second the manifest was taken is "racy" (as git calls it) and is carried again
 * at the next sync, since a change in that same second leaves its time as it was.
 *
 * <p>The host side never follows a link out of the workspace: entries are written only below it, links are written as
 * links, and a path whose parent is a link is refused.
 */
public final class WorkspaceSync {
  private static final int DIR = 0040000;
  private static final int FILE = 0100000;
  private static final int LINK = 0120000;
  private static final int TYPE = 0170000;

  /** A path as last seen alike on both sides. */
  record Entry(int mode, long size, long mtime, boolean racy) {
    int type() {
      return mode & TYPE;
    }

    boolean sameAs(Entry other) {
      return other != null && mode == other.mode && (type() == DIR || mtime == other.mtime && size == other.size);
    }
  }

  private final Path workspace;
  private Map<String, Entry> manifest = new HashMap<>();

  public WorkspaceSync(Path workspace) {
    this.workspace = workspace.toAbsolutePath().normalize();
  }

  /** What goes into the pod before a step: a tar of the changed paths (written to {@code tar}) and the deleted paths. */
  public record Upload(int files, List<String> deleted) {}

  /** Writes the host's changes since the last sync as a tar to {@code out} and returns what it holds; the manifest follows the host. */
  public Upload upload(OutputStream out) throws IOException {
    long now = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());
    Map<String, Entry> seen = new TreeMap<>(); // (sorted: a directory before what is in it)
    Map<String, Path> paths = new HashMap<>();
    Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(workspace)) add(dir, attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        add(file, attrs);
        return FileVisitResult.CONTINUE;
      }

      private void add(Path p, BasicFileAttributes attrs) throws IOException {
        String name = "./" + workspace.relativize(p).toString();
        if (name.indexOf('\n') >= 0) return; // (the pod's listing is line by line)
        int type = attrs.isDirectory() ? DIR : attrs.isSymbolicLink() ? LINK : attrs.isRegularFile() ? FILE : 0;
        if (type == 0) return; // sockets, fifos: not carried
        int perms = type == LINK ? 0777 : mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        long mtime = attrs.lastModifiedTime().to(TimeUnit.SECONDS);
        seen.put(name, new Entry(type | perms, type == DIR ? 0 : attrs.size(), mtime, type != DIR && mtime >= now - 1));
        paths.put(name, p);
      }
    });
    int files = 0;
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 10240)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, Entry> e : seen.entrySet()) {
        Entry before = manifest.get(e.getKey());
        if (e.getValue().sameAs(before) && !before.racy()) continue;
        Path p = paths.get(e.getKey());
        Entry now2 = e.getValue();
        TarArchiveEntry entry;
        if (now2.type() == LINK) {
          entry = new TarArchiveEntry(e.getKey(), TarConstants.LF_SYMLINK);
          entry.setLinkName(Files.readSymbolicLink(p).toString());
        } else {
          entry = new TarArchiveEntry(e.getKey() + (now2.type() == DIR ? "/" : ""));
          if (now2.type() == FILE) entry.setSize(now2.size());
        }
        entry.setMode(now2.mode());
        entry.setModTime(FileTime.from(now2.mtime(), TimeUnit.SECONDS));
        entry.setIds(0, 0);
        tar.putArchiveEntry(entry);
        if (now2.type() == FILE) {
          try (InputStream in = Files.newInputStream(p)) {
            long copied = in.transferTo(tar);
            if (copied != now2.size()) throw new IOException(e.getKey() + " changed while it was copied into the pod");
          }
        }
        tar.closeArchiveEntry();
        files++;
      }
      tar.finish();
    }
    List<String> deleted = new ArrayList<>();
    for (String name : manifest.keySet()) {
      if (!seen.containsKey(name)) deleted.add(name);
    }
    deleted.removeIf(name -> deleted.stream().anyMatch(other -> name.startsWith(other + "/"))); // (the parent goes with them)
    manifest = seen;
    return new Upload(files, deleted);
  }

  /**
   * Reads the pod's listing (lines of {@code <mode hex> <size> <mtime> <path>} and first a line with the pod's clock) and
   * returns the paths to fetch; deletes on the host what the pod no longer has and makes the directories it has.
   */
  public List<String> listed(String listing) throws IOException {
    String[] lines = listing.split("\n");
    long podNow;
    try {
      podNow = Long.parseLong(lines[0].strip());
    } catch (NumberFormatException e) {
      throw new IOException("the pod's listing of its workspace does not start with its clock (date +%s): '" + lines[0].strip() + "'");
    }
    Map<String, Entry> pod = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(" ", 4);
      if (f.length < 4 || !f[3].startsWith("./")) continue;
      try {
        long mtime = Long.parseLong(f[2]);
        int mode = Integer.parseInt(f[0], 16) & (TYPE | 0777);
        pod.put(f[3], new Entry(mode, Long.parseLong(f[1]), mtime, (mode & TYPE) != DIR && mtime >= podNow - 1));
      } catch (NumberFormatException e) {
        // a line the image's stat wrote otherwise: not a path we carry
      }
    }
    List<String> gone = new ArrayList<>();
    for (String name : manifest.keySet()) if (!pod.containsKey(name)) gone.add(name);
    gone.sort(java.util.Comparator.reverseOrder()); // (what is in a directory before it)
    for (String name : gone) {
      Path p = inside(name, false);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        org.pipelinekit.core.files.FileTrees.delete(p);
      } else {
        Files.deleteIfExists(p);
      }
    }
    List<String> fetch = new ArrayList<>();
    for (Map.Entry<String, Entry> e : pod.entrySet()) {
      Entry before = manifest.get(e.getKey());
      if (e.getValue().sameAs(before) && !before.racy()) continue;
      if (e.getValue().type() == DIR) {
        Path dir = inside(e.getKey());
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) Files.delete(dir);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(dir);
        setMode(dir, e.getValue().mode());
      } else if (e.getValue().type() == FILE || e.getValue().type() == LINK) {
        fetch.add(e.getKey());
      }
    }
    manifest = pod;
    return fetch;
  }

  /** The list of paths for the pod's {@code tar -T}: one per line. */
  public static byte[] fetchList(List<String> paths) {
    return (String.join("\n", paths) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Writes the fetched tar's files and links into the workspace, with the pod's times and modes. */
  public void fetched(InputStream in) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path p = inside(e.getName());
        Path parent = p.getParent();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          org.pipelinekit.core.files.FileTrees.delete(p);
        } else {
          Files.deleteIfExists(p);
        }
        if (e.isSymbolicLink()) {
          Files.createSymbolicLink(p, Path.of(e.getLinkName()));
          continue;
        }
        if (!e.isFile()) continue;
        Path part = parent.resolve(".pk-part-" + p.getFileName());
        Files.copy(tar, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        setMode(p, e.getMode());
        Files.setLastModifiedTime(p, e.getLastModifiedTime());
      }
    }
  }

  /** Forgets what the pod holds: the next upload carries the whole workspace (a new pod). */
  public void forget() {
    manifest = new HashMap<>();
  }

  /**
   * The host path of a workspace path the pod named, with its parent directories made: refused when it leaves the
   * workspace by {@code ..} or through a link on the way (a pod could send {@code evil -> /etc} and then {@code evil/passwd}).
   */
  private Path inside(String name) throws IOException {
    return inside(name, true);
  }

  private Path inside(String name, boolean make) throws IOException {
    Path p = workspace.resolve(name).normalize();
    if (!p.startsWith(workspace) || p.equals(workspace)) throw new IOException("the pod sent a path outside the workspace: " + name);
    Path dir = workspace;
    for (Path part : workspace.relativize(p.getParent())) {
      if (part.toString().isEmpty()) continue;
      dir = dir.resolve(part);
      if (Files.isSymbolicLink(dir)) throw new IOException("the pod sent " + name + " through the link " + workspace.relativize(dir) + "; refused");
      boolean there = Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
      if (there && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue;
      if (!make) return p; // (nothing there to delete)
      if (there) Files.delete(dir); // a file where the pod has a directory
      Files.createDirectory(dir);
    }
    return p;
  }

  private static void setMode(Path p, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) perms.add(order[i]);
    perms.add(PosixFilePermission.OWNER_READ);
    perms.add(PosixFilePermission.OWNER_WRITE); // (the host must be able to replace and delete what the pod made)
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) perms.add(PosixFilePermission.OWNER_EXECUTE);
    Files.setPosixFilePermissions(p, perms);
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int m = 0;
    for (PosixFilePermission p : perms) {
      m |= switch (p) {
        case OWNER_READ -> 0400;
        case OWNER_WRITE -> 0200;
        case OWNER_EXECUTE -> 0100;
        case GROUP_READ -> 040;
        case GROUP_WRITE -> 020;
        case GROUP_EXECUTE -> 010;
        case OTHERS_READ -> 04;
        case OTHERS_WRITE -> 02;
        case OTHERS_EXECUTE -> 01;
      };
    }
    return m;
  }
}
