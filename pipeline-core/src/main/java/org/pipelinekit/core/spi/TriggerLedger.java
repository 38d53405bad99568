package org.pipelinekit.core.spi;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the triggers of every host sharing the stores have done: a key taken {@link #once} is taken for good (a schedule's
 * fire time, a webhook delivery, a pushed commit), so each starts its runs on one host only; and small named values
 * (a schedule's last fire time). In memory for one host; pipeline-jdbc keeps it in PostgreSQL for a cluster.
 */
public interface TriggerLedger {
  /** True the first time any host asks for {@code key}; false ever after. */
  boolean once(String key);

  Optional<String> get(String name);

  void put(String name, String value);

  /**
   * A ledger for this host alone, kept in {@code dir} so that it outlives a restart: a key taken is a file made with
   * {@code CREATE_NEW}, a value a file replaced atomically (names are the SHA-256 of the key or name).
   */
  static TriggerLedger inDirectory(java.nio.file.Path dir) {
    java.nio.file.Path once = dir.resolve("once");
    java.nio.file.Path values = dir.resolve("values");
    java.util.function.Function<String, String> file = name -> {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    };
    return new TriggerLedger() {
      @Override
      public boolean once(String key) {
        try {
          java.nio.file.Files.createDirectories(once);
          java.nio.file.Files.writeString(once.resolve(file.apply(key)), key, java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE);
          return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
          return false;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot keep trigger key " + key + " in " + once + ": " + e.getMessage(), e);
        }
      }

      @Override
      public Optional<String> get(String name) {
        java.nio.file.Path f = values.resolve(file.apply(name));
        try {
          return java.nio.file.Files.exists(f) ? Optional.of(java.nio.file.Files.readString(f)) : Optional.empty();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot read trigger value " + name + " from " + f + ": " + e.getMessage(), e);
        }
      }

      @Override
      public void put(String name, String value) {
        try {
          java.nio.file.Files.createDirectories(values);
          java.nio.file.Path tmp = java.nio.file.Files.createTempFile(values, "value", ".tmp");
          java.nio.file.Files.writeString(tmp, value);
          java.nio.file.Files.move(tmp, values.resolve(file.apply(name)), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot keep trigger value " + name + " in " + values + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /** A ledger for this host alone, in memory. */
  static TriggerLedger inMemory() {
    Map<String, Boolean> taken = new ConcurrentHashMap<>();
    Map<String, String> values = new ConcurrentHashMap<>();
    return new TriggerLedger() {
      @Override
      public boolean once(String key) {
        return taken.putIfAbsent(key, Boolean.TRUE) == null;
      }

      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
      }

      @Override
      public void put(String name, String value) {
        values.put(name, value);
      }
    };
  }
}
