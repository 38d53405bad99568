package org.pipelinekit.cache.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.cache.CacheEntry;
import org.pipelinekit.cache.CacheStore;
import org.pipelinekit.core.spi.StageMemo;

/**
 * Memoized stage results as cache entries: namespace {@code memo:<pipeline>}, key
 * {@code <job>␀<memo key>}, the archive a JSON document of outputs, log lines and the producing
 * execution. A newer result replaces an older one; a damaged one (digest) counts as none.
 */
public final class CacheStageMemo implements StageMemo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CacheStore store;
  private final Clock clock;
  private final Duration ttl;

  public CacheStageMemo(CacheStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  private static String namespace(String pipelineId) {
    return "memo:" + pipelineId;
  }

  private static String key(String jobId, String key) {
    return jobId + "\u0000" + key;
  }

  @Override
  public Optional<Memo> find(String pipelineId, String jobId, String key) {
    Optional<CacheEntry> entry = store.find(namespace(pipelineId), key(jobId, key)).filter(e -> !e.expiredAt(clock.instant()));
    if (entry.isEmpty()) return Optional.empty();
    byte[] bytes;
    try (InputStream in = store.open(entry.get())) {
      bytes = in.readAllBytes();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memoized result of " + jobId + ": " + e.getMessage(), e);
    }
    if (!("sha256:" + sha256(bytes)).equals(entry.get().digest())) {
      store.delete(entry.get());
      return Optional.empty();
    }
    try {
      JsonNode doc = JSON.readTree(bytes);
      Map<String, String> outputs = new LinkedHashMap<>();
      doc.path("outputs").fields().forEachRemaining(f -> outputs.put(f.getKey(), f.getValue().asText()));
      List<String> log = new ArrayList<>();
      doc.path("log").forEach(l -> log.add(l.asText()));
      store.touch(entry.get(), clock.instant());
      return Optional.of(new Memo(outputs, log, doc.path("execution").asText()));
    } catch (IOException e) {
      store.delete(entry.get());
      return Optional.empty();
    }
  }

  @Override
  public void record(String pipelineId, String jobId, String key, Memo memo) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("execution", memo.executionId());
    ObjectNode outputs = doc.putObject("outputs");
    memo.outputs().forEach(outputs::put);
    memo.log().forEach(doc.putArray("log")::add);
    try {
      byte[] bytes = JSON.writeValueAsBytes(doc);
      store.put(namespace(pipelineId), key(jobId, key), out -> out.write(bytes), ttl, Optional.empty(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the memoized result of " + jobId + ": " + e.getMessage(), e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
