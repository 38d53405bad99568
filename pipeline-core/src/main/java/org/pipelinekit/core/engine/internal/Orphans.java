package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.plan.ExecutionPlanner;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.spi.StoredExecution;

/**
 * Unfinished executions that no host runs — this host's before it restarted, or those of hosts that stopped (their
 * execution leases expired; without leases: no host answers for them through the control channel): marked INTERRUPTED, or, with take-over on, run here from their journals.
 */
public final class Orphans {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Orphans.class);
  private final EngineServices services;
  private final Map<String, LiveExecution> live;
  private final Commands commands;
  private final ConcurrencyGroups groups;
  private final ExecutionPlanner planner;
  private final List<EventListener> globalListeners;

  private final Optional<org.pipelinekit.core.spi.ExecutionLeases> leases;
  private final String host;

  public Orphans(EngineServices services, Map<String, LiveExecution> live, Commands commands, ConcurrencyGroups groups,
      ExecutionPlanner planner, List<EventListener> globalListeners, Optional<org.pipelinekit.core.spi.ExecutionLeases> leases, String host) {
    this.leases = leases;
    this.host = host;
    this.services = services;
    this.live = live;
    this.commands = commands;
    this.groups = groups;
    this.planner = planner;
    this.globalListeners = globalListeners;
  }

  /** The unfinished executions in the store that no host runs: this host's before a restart, or those of hosts that stopped. */
  private List<StoredExecution> orphans() {
    List<StoredExecution> unfinished = new ArrayList<>();
    for (String id : services.executions().unfinished()) {
      if (live.containsKey(id)) continue;
      try {
        services.executions().load(id).ifPresent(unfinished::add);
      } catch (RuntimeException e) {
        LOG.warn("cannot check execution {}: {}", id, e.getMessage());
      }
    }
    List<String> ids = unfinished.stream().map(s -> s.header().id()).toList();
    if (leases.isPresent()) {
      // the ones whose host stopped renewing their leases are this host's now (no other host takes the same one)
      java.util.Set<String> taken = leases.get().takeExpired(host, ids);
      unfinished.removeIf(s -> !taken.contains(s.header().id()));
      return unfinished;
    }
    // hosts sharing the stores run some of them: those are theirs, not left behind
    java.util.Set<String> elsewhere = commands.runElsewhere(ids);
    unfinished.removeIf(s -> elsewhere.contains(s.header().id()));
    return unfinished;
  }

  /** Runs here what hosts that stopped left unfinished, from their journals. */
  public void takeOver() {
    for (StoredExecution s : orphans()) {
      String id = s.header().id();
      Optional<String> group = s.header().pipeline().concurrency().map(c -> ConcurrencyGroups.name(c, s.header()));
      LiveExecution run = LiveExecution.takeOver(services, s, planner.plan(s.header().pipeline()), () -> {
        live.remove(id);
        group.ifPresent(g -> groups.startNext(g, id));
      });
      for (EventListener l : globalListeners) run.subscribe(l);
      if (live.putIfAbsent(id, run) == null) LOG.info("execution {}: its host stopped; taken over here", id);
    }
  }

  public void markInterrupted() {
    for (StoredExecution s : orphans()) {
      String id = s.header().id();
      try {
        long next = s.events().stream().mapToLong(ExecutionEvent::sequence).max().orElse(0) + 1;
        services.executions().append(id, new ExecutionEvent.ExecutionFinished(id, next, services.clock().instant(),
            ExecutionStatus.INTERRUPTED, Optional.of("the host stopped while the execution ran")));
        LOG.info("execution {} was running when its host stopped; marked interrupted", id);
        s.header().pipeline().concurrency().ifPresent(c -> groups.startNext(ConcurrencyGroups.name(c, s.header()), id));
      } catch (RuntimeException e) {
        LOG.warn("cannot mark execution {} interrupted: {}", id, e.getMessage());
      }
    }
  }
}
