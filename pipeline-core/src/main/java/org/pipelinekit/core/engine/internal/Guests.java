package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.plan.ExecutionPlanner;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobQueue;
import org.pipelinekit.core.spi.StoredExecution;

/**
 * This host's worker for the cluster's job queue: a claimed attempt runs in a guest run of its execution, made from the
 * stored header and journal (the outputs of the stages that ended are what its expressions and inputs read), whose
 * events go back to the scheduler with the outcome and whose log lines go to the shared log store.
 */
public final class Guests implements JobQueue.Worker {
  private final EngineServices services;
  private final ExecutionPlanner planner;
  private final String host;

  public Guests(EngineServices services, ExecutionPlanner planner, String host) {
    this.services = services;
    this.planner = planner;
    this.host = host;
  }

  @Override
  public CompletionStage<JobQueue.Outcome> run(JobQueue.Ticket ticket, Consumer<JobQueue.Stop> stops) {
    return CompletableFuture.supplyAsync(() -> services.executions().load(ticket.executionId()), services.blocking())
        .thenCompose(stored -> stored.isPresent() ? start(ticket, stored.get(), stops) : CompletableFuture.completedFuture(
            new JobQueue.Outcome(JobExit.error("execution " + ticket.executionId() + " is no longer stored"), false, Map.of(), List.of())))
        .exceptionally(error -> new JobQueue.Outcome(JobExit.error("cannot start the job on this host: " + JobAttempt.message(error)), true,
            Map.of(), List.of()));
  }

  private CompletionStage<JobQueue.Outcome> start(JobQueue.Ticket ticket, StoredExecution stored, Consumer<JobQueue.Stop> stops) {
    ExecutionRun run = new ExecutionRun(services, stored.header(), planner.plan(stored.header().pipeline()), Map.of(), stored.events(), () -> { });
    List<ExecutionEvent> relayed = Collections.synchronizedList(new ArrayList<>());
    ExecutionSnapshot before = run.hub().snapshot();
    run.hub().relay(e -> {
      if (Relay.carries(e)) relayed.add(e);
    });
    CompletableFuture<JobQueue.Outcome> done = new CompletableFuture<>();
    run.actor().execute(() -> run.runGuest(host, ticket, before, relayed, done, stops));
    return done;
  }
}
