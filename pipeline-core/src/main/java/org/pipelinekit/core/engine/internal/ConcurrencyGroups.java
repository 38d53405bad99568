package org.pipelinekit.core.engine.internal;

import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.expr.EvaluationContext;
import org.pipelinekit.core.expr.Template;
import org.pipelinekit.core.model.Concurrency;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.spi.ConcurrencyLedger;
import org.pipelinekit.core.spi.ControlChannel;

/**
 * Concurrency groups over a {@link ConcurrencyLedger} (this host's memory, or a database the hosts share): an execution
 * is admitted (it starts, or waits), the ledger's verdicts are carried out through {@link Commands} — the executions it
 * supersedes are cancelled, the next one is started when the running one ends — here or on the host that holds them.
 */
public final class ConcurrencyGroups {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConcurrencyGroups.class);
  private final ConcurrencyLedger ledger;
  private final Commands commands;

  public ConcurrencyGroups(ConcurrencyLedger ledger, Commands commands) {
    this.ledger = ledger;
    this.commands = commands;
  }

  /** Admits execution {@code id} to {@code group}; true when it waits (the caller announces it queued). */
  public boolean admit(String group, String id, Concurrency c, int defaultQueueLimit) {
    ConcurrencyLedger.Admission admitted = ledger.admit(group, id, c.cancelInProgress(), c.queueLimit().orElse(defaultQueueLimit));
    List<String> cancel = admitted.cancel();
    for (int i = 0; i < cancel.size(); i++) {
      String other = cancel.get(i);
      String why = other.equals(id) ? "concurrency group '" + group + "' is busy and keeps no queue"
          : (c.cancelInProgress() && i == 0 ? "cancelled by " : "superseded by ") + id + " in concurrency group '" + group + "'";
      try {
        commands.act(command(other, ControlChannel.Kind.CANCEL, Optional.of(why)));
      } catch (PipelineException e) {
        LOG.warn("cannot cancel {} for {}: {}", other, id, e.getMessage());
      }
    }
    return admitted.queued();
  }

  /** An execution of the group ended: the group's next one starts, here or on the host that holds it. */
  public void startNext(String group, String endedId) {
    Optional<String> next = ledger.finished(group, endedId);
    while (next.isPresent()) {
      String id = next.get();
      try {
        commands.act(command(id, ControlChannel.Kind.START, Optional.empty()));
        return;
      } catch (PipelineException e) { // its host is gone: it will never run; the one after it goes
        LOG.warn("concurrency group '{}': cannot start {} ({}); starting the next", group, id, e.getMessage());
        next = ledger.finished(group, id);
      }
    }
  }

  private static ControlChannel.Command command(String id, ControlChannel.Kind kind, Optional<String> text) {
    return new ControlChannel.Command(id, kind, Optional.empty(), "host", List.of(), text);
  }

  /** The group an execution belongs to: the pipeline's {@code concurrency.group} rendered with the execution's params, branch, commit, ids. */
  public static String name(Concurrency c, ExecutionHeader header) {
    EvaluationContext ctx = path -> switch (path.get(0)) {
      case "params" -> path.size() > 1 ? header.parameters().get(path.get(1)) : null;
      case "branch" -> header.trigger().branch().orElse("");
      case "commit" -> header.trigger().commit().orElse("");
      case "pipeline" -> path.size() > 1 && path.get(1).equals("id") ? header.pipelineId() : null;
      case "trigger" -> path.size() > 1 && path.get(1).equals("kind") ? header.trigger().kind() : null;
      case "env" -> path.size() > 1 ? header.pipeline().env().get(path.get(1)) : null;
      default -> null;
    };
    return Template.parse(c.group()).render(ctx);
  }
}
