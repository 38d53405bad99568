package org.pipelinekit.artifacts;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.pipelinekit.core.files.PrivateFiles;

/** A download-link signing key kept in a file, so that links survive a restart. */
public final class SigningKeys {
  private SigningKeys() {}

  /** The key in {@code file}; made (32 random bytes, readable by its owner only from the start) when there is none. */
  public static byte[] keptIn(Path file) throws IOException {
    if (!Files.exists(file)) {
      PrivateFiles.createDirectories(file.getParent());
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      try {
        Files.write(Files.createFile(file, PrivateFiles.file()), key);
      } catch (FileAlreadyExistsException madeMeanwhile) {
        // another host or thread made it: theirs is the key
      }
    }
    return Files.readAllBytes(file);
  }
}
