package org.pipelinekit.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage logs that move to a bucket once their execution ends: lines go to the {@code live} store (PostgreSQL, files) while
 * the run writes them; at {@link #finish} each stage this host saw is written to {@code logs/<execution>/<stage>.jsonl} and
 * the live store forgets the execution, so the database holds only running executions' logs. Reads take the live lines
 * while there are any, else the archived ones. A stage this host never saw a line of (after a restart) stays live.
 */
public final class S3ArchivedLogs implements LogStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ArchivedLogs.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 10_000;

  private final LogStore live;
  private final S3Bucket bucket;
  private final Map<String, Set<String>> stages = new ConcurrentHashMap<>();
  /** The archived stage read last (a follower pages through one stage). */
  private volatile Archived last;

  private record Archived(String key, List<LogLine> lines) {}

  public S3ArchivedLogs(LogStore live, S3Bucket bucket) {
    this.live = live;
    this.bucket = bucket;
  }

  private static String name(String executionId, String stageId) {
    return "logs/" + executionId + "/" + stageId + ".jsonl";
  }

  @Override
  public String id() {
    return "s3-archived+" + live.id();
  }

  @Override
  public void append(String executionId, LogLine line) {
    stages.computeIfAbsent(executionId, k -> ConcurrentHashMap.newKeySet()).add(line.stageId());
    live.append(executionId, line);
  }

  @Override
  public boolean numbersLines() {
    return live.numbersLines();
  }

  @Override
  public LogLine appendNext(String executionId, LogLine line) {
    stages.computeIfAbsent(executionId, k -> ConcurrentHashMap.newKeySet()).add(line.stageId());
    return live.appendNext(executionId, line);
  }

  @Override
  public List<LogLine> appendAllNext(String executionId, List<LogLine> lines) {
    for (LogLine line : lines) stages.computeIfAbsent(executionId, k -> ConcurrentHashMap.newKeySet()).add(line.stageId());
    return live.appendAllNext(executionId, lines);
  }

  @Override
  public List<LogLine> read(String executionId, String stageId, long fromLine, int limit) {
    if (live.count(executionId, stageId) > 0) return live.read(executionId, stageId, fromLine, limit);
    List<LogLine> all = archived(executionId, stageId);
    List<LogLine> out = new ArrayList<>();
    for (LogLine l : all) {
      if (out.size() >= limit) break;
      if (l.number() >= fromLine) out.add(l);
    }
    return out;
  }

  @Override
  public long count(String executionId, String stageId) {
    long n = live.count(executionId, stageId);
    return n > 0 ? n : archived(executionId, stageId).size();
  }

  @Override
  public long bytes(String executionId) {
    try {
      long archived = bucket.list("logs/" + executionId + "/").stream().mapToLong(o -> o.size()).sum();
      return archived > 0 ? archived : live.bytes(executionId);
    } catch (IOException e) {
      return live.bytes(executionId);
    }
  }

  /** The execution ended: its stages' lines go to the bucket, then the live store forgets them (kept live when that fails). */
  @Override
  public void finish(String executionId) {
    live.finish(executionId);
    Set<String> seen = stages.remove(executionId);
    if (seen == null || seen.isEmpty()) return;
    try {
      for (String stage : seen) archive(executionId, stage);
      live.delete(executionId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("the logs of {} stay in {}: archiving them failed: {}", executionId, live.id(), e.getMessage());
    }
  }

  private void archive(String executionId, String stageId) throws IOException {
    Path file = Files.createTempFile("pipelinekit-log-", ".jsonl");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (long from = 1; ; ) {
          List<LogLine> page = live.read(executionId, stageId, from, PAGE);
          for (LogLine l : page) {
            ObjectNode o = JSON.createObjectNode().put("n", l.number()).put("t", l.time().toString()).put("job", l.jobId())
                .put("attempt", l.attempt()).put("text", l.text());
            w.write(JSON.writeValueAsString(o));
            w.write('\n');
          }
          if (page.size() < PAGE) break;
          from = page.get(page.size() - 1).number() + 1;
        }
      }
      bucket.upload(name(executionId, stageId), file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private List<LogLine> archived(String executionId, String stageId) {
    String key = name(executionId, stageId);
    Archived seen = last;
    if (seen != null && seen.key().equals(key)) return seen.lines();
    List<LogLine> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(bucket.open(key), StandardCharsets.UTF_8))) {
      for (String text = r.readLine(); text != null; text = r.readLine()) {
        JsonNode o = JSON.readTree(text);
        lines.add(new LogLine(stageId, o.path("n").asLong(), Instant.parse(o.path("t").asText()), o.path("job").asText(),
            o.path("attempt").asInt(), o.path("text").asText()));
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    last = new Archived(key, List.copyOf(lines));
    return lines;
  }

  @Override
  public void delete(String executionId) {
    live.delete(executionId);
    stages.remove(executionId);
    last = null;
    try {
      for (var o : bucket.list("logs/" + executionId + "/")) bucket.delete(bucket.nameOf(o));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    live.close();
  }
}
