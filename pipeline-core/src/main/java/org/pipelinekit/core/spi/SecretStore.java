package org.pipelinekit.core.spi;

import java.util.Optional;
import java.util.Set;

/**
 * Named secrets, read by expressions as {@code ${{ secrets.NAME }}} while a stage runs. The engine
 * masks every value it reads in logs, events and stored files, and records each read in its audit
 * log. Embedded default: {@code EncryptedFileSecretStore} (AES-GCM, key from the host).
 */
public interface SecretStore extends AutoCloseable {
  String id();

  Optional<String> get(String name);

  void put(String name, String value);

  boolean delete(String name);

  Set<String> names();

  @Override
  default void close() {}
}
