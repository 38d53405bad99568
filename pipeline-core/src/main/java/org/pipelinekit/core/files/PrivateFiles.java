package org.pipelinekit.core.files;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * What the stores make in a data directory is readable by the host's user only: directories 0700,
 * files 0600 (logs and journals hold what steps printed; pipeline files hold their configuration).
 * On file systems without POSIX permissions nothing is set.
 */
public final class PrivateFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final FileAttribute<Set<PosixFilePermission>> DIR = PosixFilePermissions.asFileAttribute(
      PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(
      PosixFilePermissions.fromString("rw-------"));

  private PrivateFiles() {}

  /** Creates {@code dir} and its missing parents, each new one 0700 (existing ones are left as they are). */
  public static Path createDirectories(Path dir) throws IOException {
    return POSIX ? Files.createDirectories(dir, DIR) : Files.createDirectories(dir);
  }

  /** The attributes of a new directory: 0700. */
  public static FileAttribute<?>[] directory() {
    return POSIX ? new FileAttribute<?>[] {DIR} : new FileAttribute<?>[0];
  }

  /** The attributes of a new file: 0600. */
  public static FileAttribute<?>[] file() {
    return POSIX ? new FileAttribute<?>[] {FILE} : new FileAttribute<?>[0];
  }
}
