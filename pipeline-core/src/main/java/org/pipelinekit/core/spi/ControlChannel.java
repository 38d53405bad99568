package org.pipelinekit.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * How hosts that share their stores reach the host that runs an execution: a cancel, an approval or a rejection asked
 * for on any host is carried to the one whose engine holds the run, which answers with the outcome. Without a channel
 * an executor acts on its own runs only. pipeline-jdbc provides one over PostgreSQL.
 */
public interface ControlChannel extends AutoCloseable {
  /**
   * What is asked of an execution: cancel it, decide an approval, start it (it waited in a concurrency group and its
   * turn came), or only whether a host runs it ({@code PING}: answered by the host that does, by no other).
   */
  enum Kind { CANCEL, APPROVE, REJECT, START, PING }

  /**
   * One request: for {@code APPROVE}/{@code REJECT} the stage and who decides (name and groups, as the asking host
   * authenticated them); {@code text} is the cancel's reason or the rejection's comment.
   */
  record Command(String executionId, Kind kind, Optional<String> stageId, String principal, List<String> groups, Optional<String> text) {
    public Command {
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(stageId, "stageId");
      Objects.requireNonNull(principal, "principal");
      groups = List.copyOf(groups);
      Objects.requireNonNull(text, "text");
    }
  }

  /** The owner's answer: done, or refused with the code and message of the {@code PipelineException} it raised. */
  record Reply(Optional<String> errorCode, Optional<String> message) {
    public static final Reply DONE = new Reply(Optional.empty(), Optional.empty());

    public static Reply refused(String code, String message) {
      return new Reply(Optional.of(code), Optional.of(message));
    }
  }

  /**
   * Sends a command and completes with the owner's reply, or exceptionally with a {@code TimeoutException} when no
   * host answered within {@code wait} (no host runs it any more).
   */
  CompletableFuture<Reply> send(Command command, Duration wait);

  /**
   * Starts handing this host the commands of every host; {@code handler} answers the ones for executions it runs and
   * returns empty for the others, which are left to their owner.
   */
  void listen(Function<Command, Optional<Reply>> handler);

  @Override
  default void close() {}
}
