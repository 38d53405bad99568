package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.spi.AuditLog;
import org.pipelinekit.core.spi.AuditLog.Entry;
import org.pipelinekit.core.spi.AuditLog.Query;
import org.pipelinekit.core.testing.StoreKit;

/** What every {@link AuditLog} must do: numbered, chained entries; queries; a reopen that goes on; many writers at once. */
public abstract class AuditLogCompatibilityKit extends StoreKit<AuditLog> {
  protected static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

  @Test
  void entriesAreNumberedAndChained_andFoundByActorActionTargetAndTime() {
    store.append(T0, "ana", "pipeline.create", "pipeline/shop", "ok", Map.of("version", "1"));
    store.append(T0.plusSeconds(60), "ben", "execution.start", "pipeline/shop/execution/shop-1", "ok", Map.of());
    store.append(T0.plusSeconds(120), "ana", "execution.cancel", "pipeline/shop/execution/shop-1", "denied", Map.of("why", "forbidden"));
    store.append(T0.plusSeconds(180), "ana", "pipelines.update", "pipeline/shopping", "ok", Map.of());
    List<Entry> all = store.read(Query.ALL);
    assertThat(all).extracting(Entry::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(all.get(0).previousHash()).isEmpty();
    assertThat(all.get(1).previousHash()).isEqualTo(all.get(0).hash()).hasSize(64);
    assertThat(all.get(0).details()).containsEntry("version", "1");
    assertThat(all.get(2).time()).isEqualTo(T0.plusSeconds(120));
    assertThat(store.read(query("ana", null, null, null, 0))).extracting(Entry::sequence).containsExactly(1L, 3L, 4L);
    // an action and a target match as themselves or as a prefix up to a dot or a slash, never part of a word
    assertThat(store.read(query(null, "execution", null, null, 0))).extracting(Entry::sequence).containsExactly(2L, 3L);
    assertThat(store.read(query(null, "pipeline", null, null, 0))).extracting(Entry::sequence).containsExactly(1L);
    assertThat(store.read(query(null, null, "pipeline/shop", null, 0))).extracting(Entry::sequence).containsExactly(1L, 2L, 3L);
    assertThat(store.read(query(null, null, null, T0.plusSeconds(120), 0))).extracting(Entry::sequence).containsExactly(3L, 4L);
    assertThat(store.read(query(null, null, null, null, 2))).extracting(Entry::sequence).containsExactly(3L, 4L);
    assertThat(store.verify()).isEmpty();
  }

  @Test
  void aReopenedLogGoesOnWhereItStopped() throws Exception {
    store.append(T0, "ana", "pipeline.create", "pipeline/a", "ok", Map.of());
    if (!reopened()) return; // kept in memory only
    store.append(T0.plusSeconds(1), "ana", "pipeline.delete", "pipeline/a", "ok", Map.of());
    assertThat(store.read(Query.ALL)).extracting(Entry::sequence).containsExactly(1L, 2L);
    assertThat(store.verify()).isEmpty();
  }

  @Test
  void manyWritersAtOnceGetOneNumberEach() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Entry>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        done.add(pool.submit(() -> store.append(T0.plusMillis(n), "user" + (n % 4), "execution.start", "pipeline/p/" + n, "ok", Map.of())));
      }
      for (Future<Entry> f : done) f.get();
    } finally {
      pool.shutdown();
    }
    assertThat(store.read(Query.ALL)).extracting(Entry::sequence).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
    assertThat(store.verify()).isEmpty();
  }

  protected static Query query(String actor, String action, String target, Instant since, int limit) {
    return new Query(Optional.ofNullable(actor), Optional.ofNullable(action), Optional.ofNullable(target), Optional.ofNullable(since),
        Optional.empty(), limit);
  }
}
