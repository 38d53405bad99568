package org.pipelinekit.core.engine.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.spi.ControlChannel;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.StoredExecution;

/**
 * Cancels, approvals and rejections of an execution: applied here when this host runs it, else carried by the
 * {@link ControlChannel} to the host that does, whose answer (done, or its refusal's code and message) comes back as
 * this host's outcome. Also answers the other hosts' commands for this host's runs.
 */
public final class Commands {
  /** How long a host that starts waits for the others to say which unfinished executions they run. */
  private static final Duration PING_WAIT = Duration.ofSeconds(3);

  private final Map<String, LiveExecution> live;
  private final ExecutionStore executions;
  private final Optional<ControlChannel> control;

  public Commands(Map<String, LiveExecution> live, ExecutionStore executions, Optional<ControlChannel> control) {
    this.live = live;
    this.executions = executions;
    this.control = control;
  }

  /** How long a command waits for the host that runs the execution to answer. */
  private static final Duration COMMAND_WAIT = Duration.ofSeconds(10);

  /** Acts here when this host runs the execution, else asks the host that does through the control channel. */
  public void act(ControlChannel.Command c) {
    String id = c.executionId();
    ControlChannel.Reply reply = answer(c).orElse(null);
    if (reply == null) {
      StoredExecution stored = executions.load(id)
          .orElseThrow(() -> new PipelineException(ErrorCode.EXECUTION_UNKNOWN, "execution " + id + " does not exist"));
      if (SnapshotBuilder.fold(stored.header(), stored.events()).status().isFinal()) {
        if (c.kind() == ControlChannel.Kind.CANCEL || c.kind() == ControlChannel.Kind.START) return; // over already
        throw new PipelineException(ErrorCode.EXECUTION_FINISHED, "execution " + id + " has finished");
      }
      if (control.isEmpty()) {
        throw new PipelineException(ErrorCode.EXECUTION_FINISHED, "execution " + id + " is not run by this host (it was interrupted,"
            + " or another host runs it and no control channel reaches that host)");
      }
      try {
        reply = control.get().send(c, COMMAND_WAIT).get(COMMAND_WAIT.toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new PipelineException(ErrorCode.EXECUTION_FINISHED, "no host answered for execution " + id + " within "
            + COMMAND_WAIT.toSeconds() + " s: the host that ran it may have stopped (a host that starts marks its runs interrupted)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PipelineException(ErrorCode.EXECUTION_FINISHED, "interrupted while waiting for the host of execution " + id);
      }
    }
    ControlChannel.Reply answered = reply;
    if (answered.errorCode().isPresent()) {
      ErrorCode code = java.util.Arrays.stream(ErrorCode.values()).filter(x -> x.name().equals(answered.errorCode().get())).findFirst()
          .orElse(ErrorCode.EXECUTION_FINISHED);
      throw new PipelineException(code, answered.message().orElse(code.name()));
    }
  }

  /** Acts on a live run of this host and says how it went; empty when this host does not run it. */
  public Optional<ControlChannel.Reply> answer(ControlChannel.Command c) {
    LiveExecution run = live.get(c.executionId());
    if (run == null) return Optional.empty();
    try {
      Principal who = new Principal(c.principal(), Set.copyOf(c.groups()));
      switch (c.kind()) {
        case APPROVE -> run.approve(who, c.stageId().orElseThrow(), true, Optional.empty());
        case REJECT -> run.approve(who, c.stageId().orElseThrow(), false, c.text());
        case CANCEL -> run.cancel(c.text().orElse("cancelled"));
        case START -> run.start();
        case PING -> { }
      }
      return Optional.of(ControlChannel.Reply.DONE);
    } catch (PipelineException e) {
      return Optional.of(ControlChannel.Reply.refused(e.code(), e.getMessage()));
    }
  }

  /**
   * Which of these unfinished executions another host runs, asked of all of them at once through the channel; without
   * a channel, none (one host: an unfinished execution it does not run was left by its previous life).
   */
  public java.util.Set<String> runElsewhere(java.util.List<String> executionIds) {
    if (control.isEmpty() || executionIds.isEmpty()) return java.util.Set.of();
    java.util.Map<String, java.util.concurrent.CompletableFuture<ControlChannel.Reply>> asked = new java.util.LinkedHashMap<>();
    for (String id : executionIds) {
      asked.put(id, control.get().send(new ControlChannel.Command(id, ControlChannel.Kind.PING, Optional.empty(), "host", java.util.List.of(),
          Optional.empty()), PING_WAIT));
    }
    java.util.Set<String> alive = new java.util.HashSet<>();
    asked.forEach((id, reply) -> {
      try {
        reply.get(PING_WAIT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        alive.add(id);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // nobody answered: no host runs it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return alive;
  }
}
