package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.service.PipelineService;

/** Schedules fired by the triggers' tick on an injected clock: across daylight-saving changes, and after a host was down. */
class ScheduleTest {
  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  private Triggers triggers(PipelineService service, Clock clock, Triggers.MissedFires policy) {
    PipelineExecutor executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).build();
    opened.add(executor);
    Triggers t = Triggers.builder(executor, service).clock(clock).scheduleTick(Duration.ZERO).missedFires(policy).build();
    opened.add(t);
    return t;
  }

  private static Pipeline scheduled(String id, String cron) {
    return Pipeline.builder(id).trigger(new Trigger.Schedule(cron, Optional.of("Europe/Berlin"))).stage("s", s -> s.run("true")).build();
  }

  /** Ticks every minute from {@code from} to {@code to}; the fire times of the runs each pipeline got. */
  private static List<String> fires(Triggers t, TestClock clock, Instant from, Instant to, String pipeline) {
    List<String> out = new ArrayList<>();
    for (clock.now = from; !clock.now.isAfter(to); clock.now = clock.now.plus(Duration.ofMinutes(1))) {
      for (Delivery d : t.tick()) {
        if (d.summary().startsWith(pipeline + " at ")) {
          assertThat(d.started()).hasSize(1);
          out.add(d.summary().substring(pipeline.length() + 4) + (d.at().equals(clock.now) ? "" : " late"));
        }
      }
    }
    return out;
  }

  @Test
  void aNightlyScheduleInBerlin_firesOnceEveryNight_alsoWhenTheClocksSkipOrRepeatItsHour() {
    PipelineService service = PipelineService.builder().build();
    service.create(scheduled("nightly", "30 2 * * *"));
    TestClock clock = new TestClock(Instant.parse("2026-03-26T12:00:00Z"));
    Triggers t = triggers(service, clock, Triggers.MissedFires.RUN_ONCE);
    t.tick(); // the first look notes the time
    assertThat(fires(t, clock, Instant.parse("2026-03-26T12:01:00Z"), Instant.parse("2026-03-31T12:00:00Z"), "nightly")).containsExactly(
        "2026-03-27T01:30:00Z", // 02:30 CET
        "2026-03-28T01:30:00Z",
        "2026-03-29T01:00:00Z", // 02:30 does not exist: at the change, 02:00 CET = 03:00 CEST
        "2026-03-30T00:30:00Z", // 02:30 CEST
        "2026-03-31T00:30:00Z");
    clock.now = Instant.parse("2026-10-23T12:00:00Z");
    t.tick(); // seven months without a tick: one run for all the missed fires
    assertThat(fires(t, clock, Instant.parse("2026-10-23T12:01:00Z"), Instant.parse("2026-10-27T12:00:00Z"), "nightly")).containsExactly(
        "2026-10-24T00:30:00Z", // 02:30 CEST
        "2026-10-25T00:30:00Z", // 02:30 happens twice: the first
        "2026-10-26T01:30:00Z", // 02:30 CET
        "2026-10-27T01:30:00Z");
  }

  @Test
  void anHourlyScheduleInBerlin_firesEveryRealHourAcrossBothChanges() {
    PipelineService service = PipelineService.builder().build();
    service.create(scheduled("hourly", "0 * * * *"));
    TestClock clock = new TestClock(Instant.parse("2026-10-24T21:30:00Z"));
    Triggers t = triggers(service, clock, Triggers.MissedFires.RUN_ONCE);
    t.tick();
    assertThat(fires(t, clock, Instant.parse("2026-10-24T21:31:00Z"), Instant.parse("2026-10-25T03:30:00Z"), "hourly")).containsExactly(
        "2026-10-24T22:00:00Z", "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", // 02:00 CEST and 02:00 CET
        "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z");
  }

  @Test
  void firesMissedWhileNoHostRan_runOnce_orNotAtAll_asThePolicySays() {
    for (Triggers.MissedFires policy : Triggers.MissedFires.values()) {
      PipelineService service = PipelineService.builder().build();
      service.create(scheduled("every-minute", "* * * * *"));
      TestClock clock = new TestClock(Instant.parse("2026-12-06T10:00:00Z"));
      Triggers t = triggers(service, clock, policy);
      t.tick();
      clock.now = Instant.parse("2026-12-06T10:30:00Z"); // thirty fires missed
      List<Delivery> late = t.tick();
      assertThat(late).as("%s", policy).hasSize(policy == Triggers.MissedFires.RUN_ONCE ? 1 : 0);
      if (!late.isEmpty()) assertThat(late.get(0).summary()).isEqualTo("every-minute at 2026-12-06T10:30:00Z");
      clock.now = Instant.parse("2026-12-06T10:31:00Z");
      assertThat(t.tick()).as("on time again: %s", policy).hasSize(1);
      assertThat(t.nextFires("every-minute", 3)).containsExactly(Instant.parse("2026-12-06T10:32:00Z"),
          Instant.parse("2026-12-06T10:33:00Z"), Instant.parse("2026-12-06T10:34:00Z"));
    }
  }

  @Test
  void aHostThatRestartsOnItsDataDirectory_runsOnceForTheFiresItMissedWhileItWasDown() {
    PipelineService service = PipelineService.builder().build();
    service.create(scheduled("nightly", "30 2 * * *"));
    TestClock clock = new TestClock(Instant.parse("2026-12-06T00:00:00Z"));
    org.pipelinekit.core.spi.TriggerLedger kept = org.pipelinekit.core.spi.TriggerLedger.inDirectory(dir.resolve("triggers"));
    PipelineExecutor before = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).build();
    opened.add(before);
    Triggers first = Triggers.builder(before, service).clock(clock).scheduleTick(Duration.ZERO).ledger(kept).build();
    first.tick();
    first.close();
    clock.now = Instant.parse("2026-12-09T12:00:00Z"); // down for three nights
    PipelineExecutor executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).build();
    opened.add(executor);
    Triggers again = Triggers.builder(executor, service).clock(clock).scheduleTick(Duration.ZERO)
        .ledger(org.pipelinekit.core.spi.TriggerLedger.inDirectory(dir.resolve("triggers"))).build();
    opened.add(again);
    assertThat(again.tick()).singleElement().extracting(Delivery::summary).isEqualTo("nightly at 2026-12-09T01:30:00Z");
    assertThat(again.tick()).isEmpty();
  }
}
