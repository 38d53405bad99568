package org.pipelinekit.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small filesystem for storage-failure tests: a tmpfs of a few megabytes mounted on a
 * directory (it needs root, as scripts/test.sh runs in CI; elsewhere the test is skipped saying so),
 * unmounted on close.
 */
public final class SmallDisk implements AutoCloseable {
  public final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code dir} (made if missing), or skips the calling test. */
  public static SmallDisk mount(Path dir, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "a " + megabytes + " MB tmpfs could not be mounted (needs root): " + out);
    return new SmallDisk(dir);
  }

  /** Fills what is left with one file, so the next write that needs a new page fails with ENOSPC. */
  public void fill() throws IOException {
    byte[] mb = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
      while (true) out.write(mb);
    } catch (IOException full) {
      // the disk is full now
    }
  }

  /** Frees what {@link #fill} took. */
  public void free() throws IOException {
    Files.deleteIfExists(dir.resolve("filler"));
  }

  @Override
  public void close() throws IOException {
    try {
      new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
