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

  /** A ledger for this host alone. */
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
