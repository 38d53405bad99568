package org.pipelinekit.cache.internal;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Cache archives: a tar stream (commons-compress) compressed with zstd (zstd-jni, level 1, one
 * worker per core, with frame checksums). The i-th cached path is stored under {@code i/}, so paths
 * anywhere (the workspace, {@code ~/.m2/repository}) restore to where they were. Directories (empty
 * ones too), regular files, symbolic links, permission bits and modification times are kept.
 * Restoring refuses entries whose names are absolute or climb out with {@code ..}, and never writes
 * through a symbolic link.
 */
public final class Archive {
  private static final int BUFFER = 1 << 17;

  private Archive() {}

  /** Writes the paths (files or directories; missing ones are skipped) as a compressed archive. */
  public static void pack(List<Path> paths, OutputStream out) throws IOException {
    ZstdOutputStream zstd = new ZstdOutputStream(out, 1);
    zstd.setWorkers(Runtime.getRuntime().availableProcessors());
    zstd.setChecksum(true);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(zstd, BUFFER)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      byte[] buf = new byte[BUFFER];
      for (int i = 0; i < paths.size(); i++) {
        Path root = paths.get(i);
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) continue;
        String prefix = Integer.toString(i);
        try (Stream<Path> walk = Files.walk(root)) {
          for (Path p : (Iterable<Path>) walk::iterator) {
            String rel = root.relativize(p).toString();
            String name = rel.isEmpty() ? prefix : prefix + "/" + rel;
            add(tar, p, name, buf);
          }
        }
      }
      tar.finish();
    }
  }

  private static void add(TarArchiveOutputStream tar, Path p, String name, byte[] buf) throws IOException {
    PosixFileAttributes attrs = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    TarArchiveEntry e;
    if (attrs.isSymbolicLink()) {
      e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(Files.readSymbolicLink(p).toString());
    } else if (attrs.isDirectory()) {
      e = new TarArchiveEntry(name + "/");
    } else if (attrs.isRegularFile()) {
      e = new TarArchiveEntry(name);
      e.setSize(attrs.size());
    } else {
      return; // sockets, pipes, devices do not belong in a cache
    }
    e.setMode(mode(attrs.permissions()) | (e.isDirectory() ? 040000 : e.isSymbolicLink() ? 0120000 : 0100000));
    e.setModTime(attrs.lastModifiedTime());
    tar.putArchiveEntry(e);
    if (attrs.isRegularFile()) {
      try (InputStream in = Files.newInputStream(p)) {
        long left = attrs.size();
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
          tar.write(buf, 0, n);
          left -= n;
        }
        if (left > 0) throw new IOException(p + " shrank while it was archived");
      }
    }
    tar.closeArchiveEntry();
  }

  /**
   * Restores an archive made by {@link #pack}: entries under {@code i/} go below {@code targets[i]}.
   * Existing files are replaced; an entry that would leave its target is refused with an exception.
   */
  public static long unpack(InputStream in, List<Path> targets) throws IOException {
    long files = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(new BufferedInputStream(in, BUFFER)), BUFFER)) {
      TarArchiveEntry e;
      byte[] buf = new byte[BUFFER];
      List<DirTime> dirTimes = new java.util.ArrayList<>();
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        if (name.startsWith("/")) throw new IOException("refusing archive entry '" + name + "': absolute path");
        int slash = name.indexOf('/');
        String index = slash < 0 ? stripSlash(name) : name.substring(0, slash);
        String rel = slash < 0 ? "" : stripSlash(name.substring(slash + 1));
        int i;
        try {
          i = Integer.parseInt(index);
        } catch (NumberFormatException nfe) {
          throw new IOException("archive entry '" + name + "' is not one of the cached paths");
        }
        if (i < 0 || i >= targets.size()) throw new IOException("archive entry '" + name + "' is not one of the cached paths");
        Path root = targets.get(i).toAbsolutePath().normalize();
        Path target = safeTarget(root, rel, name);
        if (e.isDirectory()) {
          if (Files.isSymbolicLink(target)) Files.delete(target);
          Files.createDirectories(target);
          dirTimes.add(new DirTime(target, e.getMode(), e.getLastModifiedTime()));
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          boolean replacing = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
          if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) deleteTree(target);
          // a file that is already there is replaced by rename, so nothing ever reads half of it
          Path write = replacing ? target.resolveSibling(target.getFileName() + ".pk-part") : target;
          try (OutputStream out = Files.newOutputStream(write)) {
            int n;
            while ((n = tar.read(buf)) > 0) out.write(buf, 0, n);
          }
          setMode(write, e.getMode());
          Files.setLastModifiedTime(write, e.getLastModifiedTime());
          if (replacing) Files.move(write, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          files++;
        } else {
          throw new IOException("archive entry '" + name + "' is neither a file, a directory nor a symbolic link");
        }
      }
      // directories last, deepest first: writing into them changed their times, and a read-only one takes no files
      for (int k = dirTimes.size() - 1; k >= 0; k--) {
        DirTime d = dirTimes.get(k);
        setMode(d.dir(), d.mode());
        Files.setLastModifiedTime(d.dir(), d.time());
      }
    }
    return files;
  }

  private record DirTime(Path dir, int mode, FileTime time) {}

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * The path an entry restores to, refusing names that are absolute, climb out with {@code ..}, or
   * would pass through a symbolic link (a link restored earlier must not redirect later entries).
   */
  static Path safeTarget(Path root, String rel, String name) throws IOException {
    if (rel.startsWith("/") || rel.contains("\\")) throw new IOException("refusing archive entry '" + name + "': absolute path");
    for (String part : rel.split("/")) {
      if (part.equals("..")) throw new IOException("refusing archive entry '" + name + "': it climbs out of its directory with ..");
    }
    Path target = rel.isEmpty() ? root : root.resolve(rel).normalize();
    if (!target.startsWith(root)) throw new IOException("refusing archive entry '" + name + "': it leaves " + root);
    for (Path p = target.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new IOException("refusing archive entry '" + name + "': it would be written through the symbolic link " + p);
      }
    }
    return target;
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int m = 0;
    for (PosixFilePermission p : perms) m |= 1 << (8 - p.ordinal());
    return m;
  }

  private static void setMode(Path p, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission perm : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - perm.ordinal()))) != 0) perms.add(perm);
    }
    Files.setPosixFilePermissions(p, perms);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(p);
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
    }
  }
}
