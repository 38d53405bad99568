package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.pipelinekit.core.run.ExecutionEvent;

/**
 * Ready jobs as a queue that every host of a cluster takes work from. The host that makes an execution's decisions (its
 * scheduler) {@link #offer offers} each job attempt whose stage may start; any host with a free slot whose labels cover
 * the job's {@code runsOn} claims it, runs it and reports what came of it, and the scheduler goes on from there. A claim
 * is a lease the claiming host renews while it runs the job; when the host stops renewing (it died), the claim is lost,
 * the scheduler hears it ({@link Watcher#lost}) and runs the job again as a host-loss attempt, and whatever the lost
 * host reports later changes nothing (its fencing token is stale). Without a queue an executor runs its jobs itself.
 * pipeline-jdbc provides one over PostgreSQL.
 */
public interface JobQueue extends AutoCloseable {

  /** One attempt of one job, to run on some host. */
  record Ticket(String executionId, String pipelineId, String stageId, String jobId, int attempt, Set<String> runsOn) {
    public Ticket {
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(pipelineId, "pipelineId");
      Objects.requireNonNull(stageId, "stageId");
      Objects.requireNonNull(jobId, "jobId");
      runsOn = Set.copyOf(runsOn);
    }
  }

  /**
   * What came of an attempt on the host that ran it: its exit, whether the scheduler's retry policy may retry a failure
   * ({@code false}: the stage could not even be prepared), its outputs, and the events it made there (steps started,
   * artifacts stored, caches used), which the scheduler journals.
   */
  record Outcome(JobExit exit, boolean retryable, Map<String, String> outputs, List<ExecutionEvent> events) {
    public Outcome {
      Objects.requireNonNull(exit, "exit");
      outputs = Map.copyOf(outputs);
      events = List.copyOf(events);
    }
  }

  /** What the scheduler hears of a ticket it offered, on a queue thread (hand the work on, never block). */
  interface Watcher {
    /** A host claimed it and runs it now. */
    void claimed(String host);

    /** It ended on {@code host}. */
    void finished(String host, Outcome outcome);

    /** The host that claimed it stopped renewing its lease (it died or lost the database): the attempt is lost. */
    void lost(String host);
  }

  /** The scheduler's handle of an offered ticket. */
  interface Offer {
    /**
     * Asks for the job to stop: a ticket no host claimed yet is withdrawn (true: the caller ends the job itself); a
     * claimed one is stopped by its host, which then reports the attempt as usual (false).
     */
    boolean cancel(String reason, boolean timeout);
  }

  /** A ticket that was offered by a host that stopped, now watched by this one ({@link #adopt}). */
  record Adopted(Ticket ticket, State state, Optional<String> host, Offer offer) {}

  /** Where an adopted ticket stands. */
  enum State { QUEUED, CLAIMED, DONE, LOST }

  /** Offers a job attempt to every host; the watcher hears what becomes of it. */
  Offer offer(Ticket ticket, Watcher watcher);

  /**
   * Takes over the watching of an execution's tickets that its scheduler (a host that stopped) offered: the newest
   * ticket of each job, its watcher made by {@code watchers}. A ticket that is already DONE is reported to its watcher
   * at once; a lost one too.
   */
  List<Adopted> adopt(String executionId, java.util.function.Function<Ticket, Watcher> watchers);

  /** How a claimed job is stopped by its host: the scheduler asked ({@code timeout}: because the run timed out). */
  interface Stop {
    void stop(String reason, boolean timeout);
  }

  /** Runs a claimed ticket on this host. */
  @FunctionalInterface
  interface Worker {
    /** Runs the attempt; {@code stops} is where to hand the way to stop it once it runs. */
    CompletionStage<Outcome> run(Ticket ticket, java.util.function.Consumer<Stop> stops);
  }

  /**
   * Starts taking work: this host, named {@code host} and labelled {@code labels}, runs at most {@code slots} jobs at a
   * time, and the cluster at most {@code perPipeline} jobs of one pipeline ({@code Integer.MAX_VALUE}: no limit). Closing
   * what it returns stops the claiming (the jobs running here go on to their end).
   */
  AutoCloseable serve(String host, Set<String> labels, int slots, int perPipeline, Worker worker);

  @Override
  default void close() {}
}
