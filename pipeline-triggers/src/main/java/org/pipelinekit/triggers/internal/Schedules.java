package org.pipelinekit.triggers.internal;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.spi.TriggerLedger;
import org.pipelinekit.triggers.Triggers.MissedFires;

/**
 * The fire times of cron schedules (cron-utils, Unix definition, in the schedule's time zone, UTC by default) and which
 * of them start a run: the ledger keeps each schedule's last fire time, and a fire is taken once between the hosts. The
 * first look at a schedule only notes the time; fires missed meanwhile (more than one due, or one due for more than
 * five minutes) run once or not at all, as the policy says.
 */
public final class Schedules {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Schedules.class);
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final Duration LATE = Duration.ofMinutes(5);
  private final TriggerLedger ledger;
  private final MissedFires policy;

  public Schedules(TriggerLedger ledger, MissedFires policy) {
    this.ledger = ledger;
    this.policy = policy;
  }

  /** The fire time to run now for the pipeline's schedule number {@code index}, if one is due and this host takes it. */
  public Optional<Instant> due(String pipelineId, int index, Trigger.Schedule s, Instant now) {
    String key = "schedule:" + pipelineId + ":" + index + ":" + s.cron() + ":" + zone(s);
    Optional<Instant> last = ledger.get(key).map(Instant::parse);
    if (last.isEmpty()) {
      ledger.put(key, now.toString());
      return Optional.empty();
    }
    List<Instant> fires = between(s, last.get(), now, 10_000);
    if (fires.isEmpty()) return Optional.empty();
    Instant latest = fires.get(fires.size() - 1);
    ledger.put(key, latest.toString());
    boolean missed = fires.size() > 1 || Duration.between(latest, now).compareTo(LATE) > 0;
    if (missed && policy == MissedFires.SKIP) return Optional.empty();
    return ledger.once(key + "@" + latest) ? Optional.of(latest) : Optional.empty();
  }

  /**
   * The fire times after {@code from} up to and with {@code to}, at most {@code limit}, in order. A local time that a
   * spring-forward change skips fires once, at the change (as Vixie cron does; cron-utils alone would skip the day); a
   * local time that a fall-back change repeats fires once, at its first occurrence.
   */
  public static List<Instant> between(Trigger.Schedule s, Instant from, Instant to, int limit) {
    ExecutionTime times = ExecutionTime.forCron(PARSER.parse(expand(s.cron())));
    ZoneId zone = zone(s);
    java.util.TreeSet<Instant> out = new java.util.TreeSet<>();
    ZonedDateTime t = from.atZone(zone);
    while (out.size() < limit) {
      Optional<ZonedDateTime> next = times.nextExecution(t);
      if (next.isEmpty() || next.get().toInstant().isAfter(to)) break;
      out.add(next.get().toInstant());
      t = next.get();
    }
    Instant last = out.size() >= limit ? out.last() : to;
    for (ZoneOffsetTransition tr = zone.getRules().nextTransition(from); tr != null && !tr.getInstant().isAfter(last);
        tr = zone.getRules().nextTransition(tr.getInstant())) {
      if (!tr.isGap()) continue;
      for (LocalDateTime m = tr.getDateTimeBefore(); m.isBefore(tr.getDateTimeAfter()); m = m.plusMinutes(1)) {
        if (times.isMatch(ZonedDateTime.of(m, tr.getOffsetBefore()))) {
          out.add(tr.getInstant());
          break;
        }
      }
    }
    return out.stream().limit(limit).toList();
  }

  /** The next {@code count} fire times of all the pipeline's schedules after {@code now}, in order. */
  public List<Instant> next(Pipeline p, Instant now, int count) {
    List<Instant> all = new ArrayList<>();
    for (Trigger t : p.triggers()) {
      if (!(t instanceof Trigger.Schedule s)) continue;
      try {
        all.addAll(between(s, now, Instant.MAX.minusSeconds(1), count));
      } catch (RuntimeException e) { // a zone or cron the validator let through but cron-utils or java.time cannot read: it never fires
        LOG.warn("pipeline {}: the schedule '{}' ({}) has no fire times: {}", p.id(), s.cron(), s.timezone().orElse("UTC"), e.getMessage());
      }
    }
    return all.stream().sorted().distinct().limit(count).toList();
  }

  private static ZoneId zone(Trigger.Schedule s) {
    return s.timezone().map(ZoneId::of).orElse(ZoneOffset.UTC);
  }

  private static String expand(String cron) {
    String t = cron.strip();
    return t.startsWith("@") ? MACROS.getOrDefault(t.toLowerCase(Locale.ROOT), t) : t;
  }
}
