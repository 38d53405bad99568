package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.TestPostgres;

/** Three hosts on one PostgreSQL, one schedule, 20 fire times: exactly 20 executions, whichever host started each. */
class ClusterScheduleTest {
  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
  }

  @Test
  void threeHostsOneScheduleTwentyFires_makeExactlyTwentyExecutions() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    ScheduleTest.TestClock clock = new ScheduleTest.TestClock(Instant.parse("2026-12-06T09:59:30Z"));
    List<Triggers> hosts = new ArrayList<>();
    PipelineService first = null;
    for (int h = 0; h < 3; h++) {
      JdbcStores db = JdbcStores.open(url, pg.user(), "");
      opened.add(db);
      PipelineService service = PipelineService.builder().store(db.pipelines()).build();
      if (first == null) {
        first = service;
        service.create(Pipeline.builder("every-minute").trigger(new Trigger.Schedule("* * * * *", Optional.empty()))
            .stage("s", s -> s.run("true")).build());
      }
      PipelineExecutor executor = PipelineExecutor.builder().cluster(db).hostName("host-" + h).runDirectory(dir.resolve("runs")).build();
      opened.add(executor);
      Triggers t = Triggers.builder(executor, service).ledger(db.triggerLedger()).clock(clock).scheduleTick(Duration.ZERO).build();
      opened.add(t);
      hosts.add(t);
    }
    hosts.forEach(Triggers::tick); // the first look notes the time
    int started = 0;
    for (int fire = 0; fire < 20; fire++) {
      clock.now = clock.now.plus(Duration.ofMinutes(1));
      for (Triggers t : hosts) started += t.tick().size(); // every host looks, one of them fires
    }
    assertThat(started).isEqualTo(20);
    List<ExecutionSnapshot> runs = hosts.isEmpty() ? List.of() : opened.stream().filter(PipelineExecutor.class::isInstance)
        .map(PipelineExecutor.class::cast).findFirst().orElseThrow().executions("every-minute", 100);
    assertThat(runs).hasSize(20);
    assertThat(runs.stream().map(r -> r.header().trigger().details().get("scheduledAt")).distinct()).hasSize(20);
  }
}
