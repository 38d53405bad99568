package org.pipelinekit.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole directory trees. */
public final class FileTrees {
  private FileTrees() {}

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
