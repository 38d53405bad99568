package org.pipelinekit.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file descriptors this JVM holds open now (Linux: /proc/self/fd). */
public final class OpenDescriptors {
  private OpenDescriptors() {}

  public static long count() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
