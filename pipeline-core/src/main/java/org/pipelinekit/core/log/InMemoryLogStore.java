package org.pipelinekit.core.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;

/** A {@link LogStore} in memory, for tests, benchmarks and throwaway hosts. */
public final class InMemoryLogStore implements LogStore {
  private final Map<String, Map<String, List<LogLine>>> logs = new ConcurrentHashMap<>();

  @Override
  public String id() {
    return "memory";
  }

  @Override
  public long bytes(String executionId) {
    long n = 0;
    for (List<LogLine> lines : logs.getOrDefault(executionId, Map.of()).values()) {
      synchronized (lines) {
        for (LogLine l : lines) n += l.text().length() + 1;
      }
    }
    return n;
  }

  private List<LogLine> lines(String executionId, String stageId) {
    return logs.computeIfAbsent(executionId, k -> new ConcurrentHashMap<>()).computeIfAbsent(stageId, k -> new ArrayList<>());
  }

  @Override
  public void append(String executionId, LogLine line) {
    List<LogLine> l = lines(executionId, line.stageId());
    synchronized (l) {
      l.add(line);
    }
  }

  @Override
  public List<LogLine> read(String executionId, String stageId, long fromLine, int limit) {
    List<LogLine> l = lines(executionId, stageId);
    synchronized (l) {
      int from = (int) Math.max(0, Math.min(l.size(), fromLine - 1));
      return List.copyOf(l.subList(from, Math.min(l.size(), from + Math.max(0, limit))));
    }
  }

  @Override
  public long count(String executionId, String stageId) {
    List<LogLine> l = lines(executionId, stageId);
    synchronized (l) {
      return l.size();
    }
  }

  @Override
  public void delete(String executionId) {
    logs.remove(executionId);
  }
}
