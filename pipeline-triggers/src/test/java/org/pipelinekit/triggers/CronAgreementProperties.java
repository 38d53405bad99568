package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Cron;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.triggers.internal.Schedules;

/**
 * The validator's cron parser (pipeline-core's {@code Cron}, which says what is wrong with an expression) and the
 * schedules' (cron-utils) agree: on 10,000 random five-field expressions, every expression the one accepts the other
 * fires at the same next five times.
 */
class CronAgreementProperties {
  @Property(tries = 10_000)
  void theValidatorsCronAndCronUtilsFireAtTheSameTimes(@ForAll("expressions") String expression, @ForAll("starts") Instant from) {
    Cron own = Cron.parse(expression);
    List<Instant> library = Schedules.between(new Trigger.Schedule(expression, Optional.of("UTC")), from, from.plusSeconds(3L * 366 * 86_400), 5);
    ZonedDateTime t = from.atZone(ZoneOffset.UTC);
    for (Instant expected : library) {
      t = own.next(t);
      assertThat(t.toInstant()).as("%s after %s", expression, from).isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<Instant> starts() {
    return Arbitraries.longs().between(Instant.parse("2024-01-01T00:00:00Z").getEpochSecond(), Instant.parse("2030-12-31T00:00:00Z")
        .getEpochSecond()).map(s -> Instant.ofEpochSecond(s - s % 60));
  }

  @Provide
  Arbitrary<String> expressions() {
    return Combinators.combine(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6))
        .as((m, h, dom, mon, dow) -> m + " " + h + " " + dom + " " + mon + " " + dow);
  }

  /** One field: {@code *}, a value, a range, a step, or a list of those. */
  private static Arbitrary<String> field(int min, int max) {
    Arbitrary<Integer> value = Arbitraries.integers().between(min, max);
    Arbitrary<String> one = Arbitraries.oneOf(
        value.map(String::valueOf),
        Combinators.combine(value, value).as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b)),
        Arbitraries.integers().between(2, Math.max(2, (max - min) / 2)).map(s -> "*/" + s),
        Combinators.combine(value, value, Arbitraries.integers().between(2, 5)).as((a, b, s) -> Math.min(a, b) + "-" + Math.max(a, b) + "/" + s));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.just("*")),
        net.jqwik.api.Tuple.of(4, one),
        net.jqwik.api.Tuple.of(2, one.list().ofMinSize(2).ofMaxSize(3).map(l -> String.join(",", l))));
  }
}
