package org.pipelinekit.core.spi;

import java.util.Optional;
import java.util.Set;

/**
 * Named secrets, read by expressions as {@code ${{ secrets.NAME }}} while a stage runs. The engine
 * masks every value it reads in logs, events and stored files, and records each read in its audit
 * log. Embedded default: {@code EncryptedFileSecretStore} (AES-GCM, key from the host).
 */
public interface SecretStore extends AutoCloseable {
  /**
   * Checks a name as every store must before {@link #put}: letters, digits and {@code _}, not starting with a digit (what
   * {@code secrets.NAME} can read); returns it.
   */
  static String checkName(String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("secret name '" + name + "' must be letters, digits and _, not starting with a digit");
    }
    return name;
  }

  String id();

  Optional<String> get(String name);

  void put(String name, String value);

  boolean delete(String name);

  Set<String> names();

  @Override
  default void close() {}
}
