package org.pipelinekit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationsResourcesCronTest {

  @Test
  void durations_parseTheFileForms() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("20m")).isEqualTo(Duration.ofMinutes(20));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
    assertThatThrownBy(() -> Durations.parse("20 minutes"))
        .hasMessage("'20 minutes' is not a duration; write it like 90s, 20m, 2h, 30d or 1h30m");
    assertThatThrownBy(() -> Durations.parse("")).hasMessage("empty duration; write it like 90s, 20m, 2h or 30d");
  }

  @Property
  void durations_formatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = 10_000_000_000L) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Test
  void resources_parseCpuAndMemory() {
    assertThat(Resources.parseCpu("2")).isEqualTo(2000);
    assertThat(Resources.parseCpu("0.5")).isEqualTo(500);
    assertThat(Resources.parseCpu("250m")).isEqualTo(250);
    assertThat(Resources.parseMemory("512Mi")).isEqualTo(512L << 20);
    assertThat(Resources.parseMemory("1G")).isEqualTo(1_000_000_000L);
    assertThat(Resources.formatMemory(512L << 20)).isEqualTo("512Mi");
    assertThat(Resources.formatMemory(1_500_000)).isEqualTo("1500k");
    assertThat(Resources.formatMemory(1001)).isEqualTo("1001");
    assertThat(Resources.formatCpu(1500)).isEqualTo("1500m");
    assertThatThrownBy(() -> Resources.parseCpu("0")).hasMessage("cpu must be more than zero, got '0'");
  }

  @Property
  void memory_formatThenParseIsIdentity(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long bytes) {
    assertThat(Resources.parseMemory(Resources.formatMemory(bytes))).isEqualTo(bytes);
  }

  @Test
  void cron_findsTheNextTime() {
    ZonedDateTime t = ZonedDateTime.of(2026, 11, 26, 23, 17, 30, 0, ZoneOffset.UTC);
    assertThat(Cron.parse("0 3 * * *").next(t)).isEqualTo(ZonedDateTime.of(2026, 11, 27, 3, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("*/15 * * * *").next(t)).isEqualTo(ZonedDateTime.of(2026, 11, 26, 23, 30, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("@hourly").next(t)).isEqualTo(ZonedDateTime.of(2026, 11, 27, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("0 9 * * MON-FRI").next(t)).isEqualTo(ZonedDateTime.of(2026, 11, 27, 9, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("0 0 1 JAN *").next(t)).isEqualTo(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("30 2 29 2 *").next(t)).isEqualTo(ZonedDateTime.of(2028, 2, 29, 2, 30, 0, 0, ZoneOffset.UTC));
    // both day fields restricted: either matches (Vixie cron); the 1st of December 2026 is a Tuesday
    assertThat(Cron.parse("0 0 1 * 0").next(t)).isEqualTo(ZonedDateTime.of(2026, 11, 29, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("0 0 * * 7").next(t)).isEqualTo(ZonedDateTime.of(2026, 11, 29, 0, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void cron_namesWhatIsWrong() {
    assertThatThrownBy(() -> Cron.parse("0 3 * *")).hasMessageStartingWith("cron '0 3 * *' has 4 fields; write five");
    assertThatThrownBy(() -> Cron.parse("60 * * * *")).hasMessage("cron '60 * * * *': minute 60 is outside 0-59");
    assertThatThrownBy(() -> Cron.parse("* * * FOO *")).hasMessage("cron '* * * FOO *': month 'FOO' is not a number or a name such as JAN");
    assertThatThrownBy(() -> Cron.parse("5-1 * * * *")).hasMessage("cron '5-1 * * * *': minute range 5-1 runs backwards");
    assertThatThrownBy(() -> Cron.parse("*/0 * * * *")).hasMessage("cron '*/0 * * * *': minute step must be 1 or more, got 0");
    assertThatThrownBy(() -> Cron.parse("@often")).hasMessageStartingWith("'@often' is not a cron macro");
    assertThatThrownBy(() -> Cron.parse("0 0 30 2 *").next(ZonedDateTime.now(ZoneOffset.UTC)))
        .hasMessageContaining("never fires");
  }
}
