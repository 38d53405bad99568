package org.pipelinekit.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary directories a host process keeps while it runs (a runner's step outputs, a Docker runner's scratch), named
 * with the process's id so that when the process dies without removing one (killed, crashed) the next host on the
 * machine can: {@link #removeOfDeadHosts} deletes those whose process is gone, never a live one's.
 */
public final class HostDirectories {
  private HostDirectories() {}

  /** A new directory {@code <prefix><pid>-<random>} in the system's temporary directory. */
  public static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix + ProcessHandle.current().pid() + "-");
  }

  /** Deletes every {@code <prefix><pid>-*} directory whose process no longer runs; returns how many. */
  public static int removeOfDeadHosts(String prefix) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Pattern named = Pattern.compile(Pattern.quote(prefix) + "(\\d+)-\\d+");
    int removed = 0;
    try (var dirs = Files.newDirectoryStream(tmp, prefix + "*")) {
      for (Path dir : dirs) {
        Matcher m = named.matcher(dir.getFileName().toString());
        if (!m.matches() || ProcessHandle.of(Long.parseLong(m.group(1))).isPresent()) continue;
        FileTrees.delete(dir);
        removed++;
      }
    }
    return removed;
  }
}
