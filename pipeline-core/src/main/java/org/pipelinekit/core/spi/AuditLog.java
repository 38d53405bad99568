package org.pipelinekit.core.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.files.PrivateFiles;

/**
 * Who did what and when: every change of a pipeline, every run, cancel and decision, every setting changed, every
 * secret written — appended, never changed or removed. Each entry carries the SHA-256 of the one before it and of
 * itself, so {@link #verify} finds an entry changed or removed after it was written. In memory, in a JSON-lines file
 * ({@link #inFile}), or in PostgreSQL (pipeline-jdbc, where the table refuses UPDATE and DELETE).
 */
public interface AuditLog extends AutoCloseable {
  /** Nothing to release unless the log says otherwise. */
  @Override
  default void close() {}

  /**
   * One thing done: by whom ({@code actor}: a user's name, {@code cli:<os user>}), what ({@code action}, such as
   * {@code pipeline.update}), to what ({@code target}: a pipeline, an execution and stage, a secret's name — never a
   * secret's value), how it ended ({@code outcome}: {@code ok}, {@code denied}, {@code refused}) and anything more.
   */
  record Entry(long sequence, Instant time, String actor, String action, String target, String outcome, Map<String, String> details,
      String previousHash, String hash) {
    public Entry {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(outcome, "outcome");
      details = Map.copyOf(details);
    }
  }

  /** What to find: each field empty for any; {@code limit} newest entries (all when 0). */
  record Query(Optional<String> actor, Optional<String> action, Optional<String> target, Optional<Instant> since,
      Optional<Instant> until, int limit) {
    public static final Query ALL = new Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);

    /** Whether the entry is one asked for: actor and outcome exactly, action and target by prefix. */
    public boolean matches(Entry e) {
      return actor.map(a -> a.equals(e.actor())).orElse(true)
          && action.map(a -> e.action().equals(a) || e.action().startsWith(a + ".")).orElse(true)
          && target.map(t -> e.target().equals(t) || e.target().startsWith(t + "/")).orElse(true)
          && since.map(s -> !e.time().isBefore(s)).orElse(true)
          && until.map(u -> e.time().isBefore(u)).orElse(true);
    }
  }

  /** Appends what was done, with the next sequence number and the hashes that chain it to the entry before. */
  Entry append(Instant time, String actor, String action, String target, String outcome, Map<String, String> details);

  /** The entries the query asks for, oldest first (the newest {@code limit} when it has one). */
  List<Entry> read(Query query);

  /** The sequence of the first entry that is not what was written (its hash, or the chain to the one before), if any. */
  default Optional<Long> verify() {
    String previous = "";
    long expected = 1;
    for (Entry e : read(Query.ALL)) {
      if (e.sequence() != expected || !e.previousHash().equals(previous) || !e.hash().equals(hash(e, previous))) return Optional.of(expected);
      previous = e.hash();
      expected++;
    }
    return Optional.empty();
  }

  /** The hash of an entry: SHA-256 over the previous hash and the entry's fields, as lower-case hex. */
  static String hash(Entry e, String previousHash) {
    ObjectNode o = fields(e);
    o.put("previousHash", previousHash);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.MAPPER.writeValueAsBytes(o));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException | JsonProcessingException e2) {
      throw new IllegalStateException(e2);
    }
  }

  /** An entry as a JSON object (the line of a file, an item of the API's answers). */
  static ObjectNode toJson(Entry e) {
    ObjectNode o = fields(e);
    o.put("previousHash", e.previousHash()).put("hash", e.hash());
    return o;
  }

  private static ObjectNode fields(Entry e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("sequence", e.sequence()).put("time", e.time().toString()).put("actor", e.actor()).put("action", e.action())
        .put("target", e.target()).put("outcome", e.outcome());
    ObjectNode d = o.putObject("details");
    new java.util.TreeMap<>(e.details()).forEach(d::put);
    return o;
  }

  static Entry fromJson(JsonNode o) {
    Map<String, String> details = new LinkedHashMap<>();
    o.path("details").fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
    return new Entry(o.path("sequence").asLong(), Instant.parse(o.path("time").asText()), o.path("actor").asText(), o.path("action").asText(),
        o.path("target").asText(), o.path("outcome").asText(), details, o.path("previousHash").asText(), o.path("hash").asText());
  }

  /** The newest {@code limit} of the matching entries, oldest first. */
  static List<Entry> select(List<Entry> all, Query query) {
    List<Entry> found = all.stream().filter(query::matches).toList();
    return query.limit() > 0 && found.size() > query.limit() ? found.subList(found.size() - query.limit(), found.size()) : found;
  }

  /** A log in memory that keeps every entry (for tests and short-lived hosts). */
  static AuditLog inMemory() {
    return inMemory(Integer.MAX_VALUE);
  }

  /**
   * A log in memory that keeps the newest {@code capacity} entries, so a long-lived host that keeps no log elsewhere does not
   * grow without end; {@link #verify} checks the chain from the oldest entry kept.
   */
  static AuditLog inMemory(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("an audit log keeps at least one entry, got " + capacity);
    return new AuditLog() {
      private final java.util.ArrayDeque<Entry> entries = new java.util.ArrayDeque<>();
      private long sequence;

      @Override
      public synchronized Entry append(Instant time, String actor, String action, String target, String outcome, Map<String, String> details) {
        String previous = entries.isEmpty() ? "" : entries.getLast().hash();
        Entry draft = new Entry(++sequence, time, actor, action, target, outcome, details, previous, "");
        Entry e = new Entry(draft.sequence(), time, actor, action, target, outcome, details, previous, hash(draft, previous));
        entries.addLast(e);
        if (entries.size() > capacity) entries.removeFirst();
        return e;
      }

      @Override
      public synchronized List<Entry> read(Query query) {
        return select(List.copyOf(entries), query);
      }

      @Override
      public synchronized Optional<Long> verify() {
        if (entries.isEmpty()) return Optional.empty();
        String previous = entries.getFirst().previousHash();
        long expected = entries.getFirst().sequence();
        for (Entry e : entries) {
          if (e.sequence() != expected || !e.previousHash().equals(previous) || !e.hash().equals(hash(e, previous))) return Optional.of(expected);
          previous = e.hash();
          expected++;
        }
        return Optional.empty();
      }
    };
  }

  /**
   * A log kept as JSON lines in {@code file} (readable by its owner only), appended to and never rewritten; several
   * processes on one host (the server, the CLI's {@code secrets set}) append under a file lock.
   */
  static AuditLog inFile(Path file) {
    return new AuditLog() {
      @Override
      public synchronized Entry append(Instant time, String actor, String action, String target, String outcome, Map<String, String> details) {
        try {
          PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
          if (!Files.exists(file)) {
            try {
              Files.createFile(file, PrivateFiles.file());
            } catch (java.nio.file.FileAlreadyExistsException raced) {
              // another process made it first
            }
          }
          try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
              var lock = channel.lock()) {
            Entry last = lastEntry(channel); // (read from the end: appending does not read the whole log)
            String previous = last == null ? "" : last.hash();
            long sequence = last == null ? 1 : last.sequence() + 1;
            Entry draft = new Entry(sequence, time, actor, action, target, outcome, details, previous, "");
            Entry e = new Entry(sequence, time, actor, action, target, outcome, details, previous, hash(draft, previous));
            String line = Json.MAPPER.writeValueAsString(toJson(e)) + "\n";
            if (channel.size() > 0) { // a line a crash cut short keeps its own line, not the start of this one
              java.nio.ByteBuffer lastByte = java.nio.ByteBuffer.allocate(1);
              channel.read(lastByte, channel.size() - 1);
              if (lastByte.get(0) != '\n') line = "\n" + line;
            }
            channel.position(channel.size());
            channel.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            return e;
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
        }
      }

      @Override
      public synchronized List<Entry> read(Query query) {
        try {
          return select(readAll(), query);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
      }

      /**
       * The last readable entry of the file, read backwards from its end (a line cut by a crash is passed over: verify()
       * reports the gap it leaves); null when there is none.
       */
      private Entry lastEntry(java.nio.channels.FileChannel channel) throws IOException {
        long end = channel.size();
        int chunk = 64 * 1024;
        java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
        while (end > 0) {
          long from = Math.max(0, end - chunk);
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (end - from));
          channel.read(buf, from);
          byte[] bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
          java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
          joined.write(bytes);
          joined.write(tail.toByteArray());
          tail = joined;
          String text = tail.toString(StandardCharsets.UTF_8);
          String[] lines = text.split("\n");
          // a whole line needs the newline before it, unless the read reached the start of the file
          for (int i = lines.length - 1; i >= (from == 0 ? 0 : 1); i--) {
            if (lines[i].isBlank()) continue;
            try {
              Entry e = fromJson(Json.MAPPER.readTree(lines[i]));
              if (e.sequence() > 0) return e;
            } catch (JsonProcessingException | RuntimeException unreadable) {
              // cut by a crash mid-write: the one before it
            }
          }
          if (from == 0) return null;
          end = from;
        }
        return null;
      }

      private List<Entry> readAll() throws IOException {
        if (!Files.exists(file)) return List.of();
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) continue;
          try {
            out.add(fromJson(Json.MAPPER.readTree(line)));
          } catch (JsonProcessingException | RuntimeException bad) {
            // a line that is not an entry (cut by a crash mid-write): verify() reports the gap it leaves
            out.add(new Entry(-1, Instant.EPOCH, "?", "?", "?", "unreadable", Map.of("line", line), "?", "?"));
          }
        }
        return out;
      }
    };
  }
}

/** Jackson for the audit entries. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
