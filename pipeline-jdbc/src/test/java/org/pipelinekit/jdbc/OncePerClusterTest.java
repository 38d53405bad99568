package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Periodic work shared by the hosts of one database runs once between them, not once each. */
class OncePerClusterTest {
  private final OpenedStores stores = new OpenedStores();

  @AfterEach
  void closePools() {
    stores.closeAll();
  }

  @Test
  void threeHostsAskingAtOnce_runTheWorkOnce_andNotAgainWithinThePeriod() throws Exception {
    List<JdbcStores> hosts = List.of(stores.fresh(), stores.again(), stores.again());
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Boolean> first = pool.submit(() -> hosts.get(0).oncePerCluster().run("sweep", Duration.ofHours(1), () -> {
        runs.incrementAndGet();
        inside.countDown();
        try {
          release.await(60, TimeUnit.SECONDS); // the other hosts ask while this one runs it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
      List<Future<Boolean>> others = new ArrayList<>();
      for (JdbcStores h : hosts.subList(1, 3)) others.add(pool.submit(() -> h.oncePerCluster().run("sweep", Duration.ofHours(1), runs::incrementAndGet)));
      for (Future<Boolean> f : others) assertThat(f.get(60, TimeUnit.SECONDS)).as("another host runs it now").isFalse();
      release.countDown();
      assertThat(first.get(60, TimeUnit.SECONDS)).isTrue();
      assertThat(hosts.get(2).oncePerCluster().run("sweep", Duration.ofHours(1), runs::incrementAndGet)).as("it ran within the hour").isFalse();
      assertThat(hosts.get(1).oncePerCluster().run("other", Duration.ofHours(1), runs::incrementAndGet)).as("another name is its own").isTrue();
      assertThat(runs.get()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
