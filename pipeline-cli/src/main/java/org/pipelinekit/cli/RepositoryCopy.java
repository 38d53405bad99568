package org.pipelinekit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pipelinekit.imports.CiImport;

/**
 * The workspace an imported CI file runs in when no {@code --workspace} is given: a copy of its repository, the way a CI
 * system checks the repository out before the first step. The original is never written to.
 *
 * <p>In a git repository the copy holds what {@code git status} shows — tracked files as they are now, edits included,
 * and untracked files that are not ignored — plus a {@code .git} that shares the original's objects, so {@code git
 * describe} and {@code git log} work and uncommitted edits show as such. Elsewhere the directory is copied whole.
 */
final class RepositoryCopy {
  /** What was copied, for the run's header line. */
  record Copied(Path from, Path to, int files, long bytes, boolean git) {
    @Override
    public String toString() {
      return "a copy of " + from + " (" + files + " files, " + String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6)
          + (git ? ", git history shared" : "") + ")";
    }
  }

  private RepositoryCopy() {}

  /**
   * The repository a CI file belongs to: the nearest directory above it with {@code .git}, else where its kind is kept
   * ({@code .github/workflows/x.yml} → two levels up; {@code .gitlab-ci.yml}, {@code Jenkinsfile} → its directory).
   */
  static Path root(Path file, Optional<CiImport.Kind> kind) {
    Path dir = file.toAbsolutePath().normalize().getParent();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"))) return d;
    }
    if (kind.isPresent() && kind.get() == CiImport.Kind.GHA && dir.endsWith(Path.of(".github", "workflows"))) return dir.getParent().getParent();
    if (dir.getFileName() != null && dir.getFileName().toString().equals(".gitlab") && dir.getParent() != null) return dir.getParent();
    return dir;
  }

  /** The git repository {@code dir} is in (its top directory), else {@code dir} itself. */
  static Path around(Path dir) {
    for (Path d = dir.normalize(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"))) return d;
    }
    return dir;
  }

  /** Without git, a directory with more files than this is refused: it is likelier a home directory than a repository. */
  static final int MAX_PLAIN_FILES = 50_000;
  /** ... or with more bytes than this (a few large files would fill the data directory's disk). */
  static final long MAX_PLAIN_BYTES = 2L << 30;

  /** Copies the repository at {@code from} to {@code to}, leaving out anything under {@code skip} (the run's data). */
  static Copied copy(Path from, Path to, Path skip) throws IOException {
    return copy(from, to, skip, MAX_PLAIN_BYTES);
  }

  private static String human(long bytes) {
    return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : bytes + " bytes";
  }

  /** As {@link #copy(Path, Path, Path)}, refusing a directory without git above {@code maxPlainBytes}. */
  static Copied copy(Path from, Path to, Path skip, long maxPlainBytes) throws IOException {
    from = from.toAbsolutePath().normalize();
    to = to.toAbsolutePath().normalize(); // (git runs in other directories: relative paths would name other places)
    Path data = skip.toAbsolutePath().normalize();
    Files.createDirectories(to);
    if (Files.exists(from.resolve(".git")) && gitWorks(from)) {
      List<String> files = git(from, "ls-files", "-z", "--cached", "--others", "--exclude-standard");
      long bytes = 0;
      int n = 0;
      for (String f : files) {
        Path src = from.resolve(f);
        // a file deleted but not yet staged is listed and left out, as is the run's own data
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS) || src.startsWith(data)) continue;
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) { // a submodule: its files as they are
          long[] t = copyTree(src, to.resolve(f), data, Integer.MAX_VALUE, Long.MAX_VALUE);
          n += (int) t[0];
          bytes += t[1];
          continue;
        }
        bytes += copyOne(src, to.resolve(f));
        n++;
      }
      // a clone that borrows the original's objects: no history is copied, and the index is set to HEAD so the copied
      // files show the original's uncommitted edits
      git(to.getParent(), "clone", "-q", "--shared", "--no-checkout", from.toString(), to.resolve(".pk-clone").toString());
      Files.move(to.resolve(".pk-clone/.git"), to.resolve(".git"));
      Files.delete(to.resolve(".pk-clone"));
      git(to, "reset", "-q");
      return new Copied(from, to, n, bytes, true);
    }
    long[] totals = copyTree(from, to, data, MAX_PLAIN_FILES, maxPlainBytes);
    return new Copied(from, to, (int) totals[0], totals[1], false);
  }

  /** Every file below {@code from} but {@code skip} and {@code .git}: {files, bytes}. */
  private static long[] copyTree(Path from, Path to, Path skip, int maxFiles, long maxBytes) throws IOException {
    long[] totals = new long[2];
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path src : (Iterable<Path>) walk::iterator) {
        Path rel = from.relativize(src);
        if (src.startsWith(skip) || (rel.getNameCount() > 0 && rel.getName(0).toString().equals(".git"))) continue;
        if (src.equals(from) || Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) continue;
        if (++totals[0] > maxFiles) {
          throw new IOException(from + " has more than " + maxFiles + " files and is not a git repository; say where to run with"
              + " --workspace DIR (the jobs then start from a copy of it)");
        }
        if (totals[1] + (Files.isSymbolicLink(src) ? 0 : Files.size(src)) > maxBytes) {
          throw new IOException(from + " holds more than " + human(maxBytes) + " and is not a git repository; say where to run with"
              + " --workspace DIR (the jobs then start from a copy of it)");
        }
        totals[1] += copyOne(src, to.resolve(rel.toString()));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return totals;
  }

  private static long copyOne(Path src, Path dst) throws IOException {
    Files.createDirectories(dst.getParent());
    try {
      Files.copy(src, dst, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
    } catch (FileAlreadyExistsException e) {
      return 0;
    }
    return Files.isSymbolicLink(src) ? 0 : Files.size(src);
  }

  private static boolean gitWorks(Path dir) {
    try {
      git(dir, "rev-parse", "--git-dir");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs git in {@code dir}; its output split on NUL or newlines. */
  private static List<String> git(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    String why = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip(); // a line or two when it fails
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed in " + dir + (why.isEmpty() ? "" : ": " + why)
            + "; give the steps a directory with --workspace DIR instead");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running git", e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    return Stream.of(text.split("[\\x00\\n]")).filter(s -> !s.isEmpty()).toList();
  }
}
