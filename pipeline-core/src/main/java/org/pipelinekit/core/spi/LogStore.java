package org.pipelinekit.core.spi;

import java.util.List;
import org.pipelinekit.core.run.LogLine;

/**
 * Where stage logs live: per stage, lines in the order they were appended, numbered by the engine.
 * {@link #append} must hand the line to durable storage (the OS at least) before it returns, so a
 * host killed a moment later keeps it. Embedded default: {@code FileLogStore}.
 */
public interface LogStore extends AutoCloseable {
  String id();

  void append(String executionId, LogLine line);

  /**
   * Whether this store numbers the lines itself ({@link #appendNext}): a store several hosts write to at once (their
   * jobs of one stage running on different hosts) must, since no engine alone knows the next number.
   */
  default boolean numbersLines() {
    return false;
  }

  /**
   * Appends a line as the stage's next one and returns it as stored. A store that {@link #numbersLines() numbers lines}
   * gives it the number after the last one stored, and a line is readable before a line numbered after it is given its
   * number (so a follower reading by number never skips one); the others keep the engine's number.
   */
  default LogLine appendNext(String executionId, LogLine line) {
    append(executionId, line);
    return line;
  }

  /**
   * Appends lines of one stage ({@link #stageOf}) in order, as {@link #appendNext} would one by one, and returns them as
   * stored; a store that can writes them at once (the engine hands over what one read of a step's output held). A store
   * that fails part-way throws; the lines before may be stored.
   */
  default List<LogLine> appendAllNext(String executionId, List<LogLine> lines) {
    List<LogLine> stored = new java.util.ArrayList<>(lines.size());
    for (LogLine line : lines) stored.add(appendNext(executionId, line));
    return stored;
  }

  /** The one stage of a non-empty batch for {@link #appendAllNext}; lines of several stages are refused. */
  static String stageOf(List<LogLine> lines) {
    String stageId = lines.get(0).stageId();
    for (LogLine line : lines) {
      if (!line.stageId().equals(stageId)) {
        throw new IllegalArgumentException("a batch of log lines is of one stage; it has lines of " + stageId + " and " + line.stageId());
      }
    }
    return stageId;
  }

  /** Lines of a stage numbered {@code fromLine} and later, at most {@code limit}, in order. */
  List<LogLine> read(String executionId, String stageId, long fromLine, int limit);

  /** How many lines the stage has. */
  long count(String executionId, String stageId);

  /** Bytes the execution's logs take in storage (for storage cost reports); -1 when the store cannot tell. */
  default long bytes(String executionId) {
    return -1;
  }

  /** The execution's logs will not grow any more (files may be closed). */
  default void finish(String executionId) {}

  /** Removes an execution's logs (retention). */
  void delete(String executionId);

  @Override
  default void close() {}
}
