package org.pipelinekit.core.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.run.ExecutionEvent;

/** What a simulated run did: its execution as it stands, every event, every step asked for, and how the simulation ended. */
public record SimulatedRun(
    Execution execution,
    ExecutionSnapshot snapshot,
    List<ExecutionEvent> events,
    List<SimulatedStep> steps,
    Outcome outcome,
    List<String> waitingForApproval,
    Instant started,
    Instant ended) {

  /** How the simulation ended. */
  public enum Outcome {
    /** The execution ended. */
    FINISHED,
    /** It waits for an approval nobody decided ({@link #waitingForApproval}). */
    WAITING_FOR_APPROVAL,
    /** Nothing runs and nothing is due, yet it has not ended (or a real step ran for longer than the simulation waits). */
    STUCK
  }

  public SimulatedRun {
    Objects.requireNonNull(execution, "execution");
    Objects.requireNonNull(snapshot, "snapshot");
    events = List.copyOf(events);
    steps = List.copyOf(steps);
    Objects.requireNonNull(outcome, "outcome");
    waitingForApproval = List.copyOf(waitingForApproval);
  }

  /** The steps of one stage, in the order they started. */
  public List<SimulatedStep> steps(String stageId) {
    return steps.stream().filter(s -> s.stageId().equals(stageId)).toList();
  }

  /** The events of one type, in order. */
  public <T extends ExecutionEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** When the engine reached a stage: the sequence of its first StageStarted or StageFinished ({@code Long.MAX_VALUE}: never). */
  public long reached(String stageId) {
    for (ExecutionEvent ev : events) {
      if (ev instanceof ExecutionEvent.StageStarted st && st.stageId().equals(stageId)) return ev.sequence();
      if (ev instanceof ExecutionEvent.StageFinished f && f.stageId().equals(stageId)) return ev.sequence();
    }
    return Long.MAX_VALUE;
  }

  /** How long the run took in virtual time. */
  public Duration took() {
    return Duration.between(started, ended);
  }

  /**
   * The run as a table, one line a stage (and a line a matrix job) in the order they started, with virtual
   * start and end times from the run's start, status, attempts and reason — for messages that show what happened.
   */
  public String timeline() {
    List<String> lines = new ArrayList<>();
    lines.add("run " + snapshot.status() + (outcome == Outcome.FINISHED ? "" : " (" + outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ')
        + (waitingForApproval.isEmpty() ? "" : ": " + String.join(", ", waitingForApproval)) + ")") + " after " + clock(took()));
    List<StageRun> stages = new ArrayList<>(snapshot.stages().values());
    // ties (a simulated stage takes no time) in the engine's order
    stages.sort(java.util.Comparator.comparing((StageRun s) -> s.startedAt().orElse(s.finishedAt().orElse(Instant.MAX)))
        .thenComparing(s -> reached(s.stageId())));
    for (StageRun s : stages) {
      lines.add(String.format(Locale.ROOT, "  %-9s %-9s %-24s %-16s%s", at(s.startedAt()), at(s.finishedAt()), s.stageId(), s.status(),
          (s.attempts() > 1 ? " attempts " + s.attempts() : "") + s.reason().map(r -> " — " + r).orElse("")));
      if (s.jobs().size() > 1) {
        for (JobRun j : s.jobs()) {
          lines.add(String.format(Locale.ROOT, "  %-9s %-9s   %-22s %-16s%s", at(j.startedAt()), at(j.finishedAt()), j.jobId(), j.status(),
              (j.attempts() > 1 ? " attempts " + j.attempts() : "") + j.reason().map(r -> " — " + r).orElse("")));
        }
      }
    }
    return String.join("\n", lines.stream().map(String::stripTrailing).toList());
  }

  private String at(java.util.Optional<Instant> t) {
    return t.map(i -> "+" + clock(Duration.between(started, i))).orElse("-");
  }

  private static String clock(Duration d) {
    long s = Math.max(0, d.getSeconds());
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
