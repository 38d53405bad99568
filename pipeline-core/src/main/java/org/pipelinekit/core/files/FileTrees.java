package org.pipelinekit.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Whole directory trees. A copy is GNU {@code cp -a --reflink=auto} where it exists — on a filesystem that clones
 * (btrfs, XFS) a file costs no data until written — else a copy in Java. Never hard links: a step appending to a linked
 * file would change the source.
 */
public final class FileTrees {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileTrees.class);
  private static volatile boolean cpWorks = true;

  private FileTrees() {}

  /** Up to this many entries and bytes, a tree is copied in Java: starting {@code cp} costs more than the copy. */
  public static final int SMALL_ENTRIES = 64;
  static final long SMALL_BYTES = 4L << 20;

  /** Copies everything below {@code from} into {@code to} (made if missing), replacing files of the same name. */
  public static void copy(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) return;
    Files.createDirectories(to);
    if (!small(from) && cpWorks && copyWithCp(from, to)) return;
    copyInJava(from, to);
  }

  /**
   * Whether the tree has at most {@link #SMALL_ENTRIES} entries and {@link #SMALL_BYTES} bytes: most hand-offs and job
   * workspaces between stages that pass a few files (or none: a 200-stage DAG spent 27 s starting {@code cp} for empty
   * hand-offs).
   */
  private static boolean small(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      long[] seen = new long[2];
      return walk.skip(1).allMatch(p -> {
        seen[0]++;
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          try {
            seen[1] += Files.size(p);
          } catch (IOException e) {
            return false;
          }
        }
        return seen[0] <= SMALL_ENTRIES && seen[1] <= SMALL_BYTES;
      });
    }
  }

  private static boolean copyWithCp(Path from, Path to) {
    try {
      Process p = new ProcessBuilder(List.of("cp", "-a", "--reflink=auto", from + "/.", to + "/"))
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() == 0) return true;
      LOG.debug("cp -a {} {} failed ({}); copying in Java", from, to, out.strip());
      return false;
    } catch (IOException e) {
      cpWorks = false; // no cp here (not a GNU system): Java from now on
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void copyInJava(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target.getParent());
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }

  /** Deletes {@code dir} and everything below it (links themselves, never what they point to); nothing there is fine. */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
