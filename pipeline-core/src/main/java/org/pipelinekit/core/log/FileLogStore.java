package org.pipelinekit.core.log;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;

/**
 * The embedded default {@link LogStore}: one append-only file per stage,
 * {@code <dataDir>/logs/<execution>/<stage>.log}, a line per log line:
 * {@code number TAB epoch-millis TAB job TAB attempt TAB text}. Text is kept byte for byte (ANSI
 * escapes, carriage returns, tabs); nothing is truncated. A record whose job or text holds a newline
 * (or a job a tab) is written escaped ({@code \n}, {@code \t}, {@code \\}) and marked by an
 * {@code e} before its attempt, so no field can end a record or start a forged one, and records
 * written before escaping read as they were. Line numbers are the records' positions. Each line is written with one write call,
 * so it reaches the OS before {@link #append} returns. While a stage is written, a sparse index of
 * byte offsets (every 1,024 lines) lets a reader resume deep into a large log without reading it
 * from the start.
 */
public final class FileLogStore implements LogStore {
  private static final int INDEX_EVERY = 1024;

  private final Path dir;
  private final Map<Path, StageFile> open = new ConcurrentHashMap<>();
  /** The stage logs' files, a bounded number open at once (a stage's index stays in {@link #open} while its file is closed). */
  private final org.pipelinekit.core.files.AppendChannels channels = new org.pipelinekit.core.files.AppendChannels(OPEN_FILES);
  static final int OPEN_FILES = 64;

  public FileLogStore(Path dataDir) {
    this.dir = dataDir.resolve("logs");
    try {
      PrivateFiles.createDirectories(dataDir);
      PrivateFiles.createDirectories(dir);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot create " + dir, e);
    }
  }

  @Override
  public String id() {
    return "file:" + dir;
  }

  @Override
  public long bytes(String executionId) {
    Path d = dir.resolve(executionId);
    if (!Files.isDirectory(d)) return 0;
    try (var files = Files.list(d)) {
      return files.mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      return -1;
    }
  }

  private Path file(String executionId, String stageId) {
    return dir.resolve(executionId).resolve(stageId + ".log");
  }

  @Override
  public void append(String executionId, LogLine line) {
    appendAllNext(executionId, List.of(line));
  }

  /** One write for all the lines. */
  @Override
  public List<LogLine> appendAllNext(String executionId, List<LogLine> lines) {
    if (lines.isEmpty()) return lines;
    StageFile sf = open.computeIfAbsent(file(executionId, LogStore.stageOf(lines)), StageFile::open);
    long[] numbers = new long[lines.size()];
    byte[][] records = new byte[lines.size()][];
    for (int i = 0; i < records.length; i++) {
      numbers[i] = lines.get(i).number();
      records[i] = encode(lines.get(i)).getBytes(StandardCharsets.UTF_8);
    }
    sf.write(channels, numbers, records);
    return lines;
  }

  @Override
  public List<LogLine> read(String executionId, String stageId, long fromLine, int limit) {
    Path f = file(executionId, stageId);
    List<LogLine> out = new ArrayList<>();
    if (limit <= 0) return out;
    StageFile sf = open.get(f);
    long offset = 0;
    long firstNumber = 1;
    if (sf != null) {
      long[] start = sf.seek(fromLine);
      offset = start[0];
      firstNumber = start[1];
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      ch.position(offset);
      InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
      ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
      long number = firstNumber;
      int b;
      while ((b = in.read()) >= 0) {
        if (b != '\n') {
          buf.write(b);
          continue;
        }
        if (number >= fromLine) {
          out.add(parse(stageId, number, buf.toString(StandardCharsets.UTF_8)));
          if (out.size() >= limit) break;
        }
        number++;
        buf.reset();
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot read " + f, e);
    }
    return out;
  }

  static String encode(LogLine line) {
    boolean escape = line.text().indexOf('\n') >= 0 || line.jobId().indexOf('\n') >= 0 || line.jobId().indexOf('\t') >= 0;
    return line.number() + "\t" + line.time().toEpochMilli() + "\t" + (escape ? escape(line.jobId()) : line.jobId()) + "\t"
        + (escape ? "e" : "") + line.attempt() + "\t" + (escape ? escape(line.text()) : line.text()) + "\n";
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        b.append(c);
        continue;
      }
      char next = s.charAt(++i);
      b.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
    }
    return b.toString();
  }

  /** The record at position {@code number}; a damaged one is shown as its raw text rather than failing the whole read. */
  static LogLine parse(String stageId, long number, String record) {
    String[] p = record.split("\t", 5);
    try {
      boolean escaped = p[3].startsWith("e");
      int attempt = Integer.parseInt(escaped ? p[3].substring(1) : p[3]);
      String job = escaped ? unescape(p[2]) : p[2];
      String text = p.length > 4 ? (escaped ? unescape(p[4]) : p[4]) : "";
      return new LogLine(stageId, number, Instant.ofEpochMilli(Long.parseLong(p[1])), job, attempt, text);
    } catch (RuntimeException e) { // NumberFormatException, ArrayIndexOutOfBoundsException
      return new LogLine(stageId, number, Instant.EPOCH, "", 0, record);
    }
  }

  @Override
  public long count(String executionId, String stageId) {
    Path f = file(executionId, stageId);
    StageFile sf = open.get(f);
    if (sf != null) return sf.lines();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 64 * 1024)) {
      long n = 0;
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') n++;
      }
      return n;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot read " + f, e);
    }
  }

  @Override
  public void finish(String executionId) {
    Path d = dir.resolve(executionId);
    open.keySet().removeIf(f -> f.startsWith(d));
    channels.closeUnder(d);
  }

  @Override
  public void delete(String executionId) {
    finish(executionId);
    Path d = dir.resolve(executionId);
    if (!Files.isDirectory(d)) return;
    try (Stream<Path> walk = Files.walk(d)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw FileErrors.storeFailure("cannot delete logs of " + executionId, e);
    }
  }

  @Override
  public void close() {
    channels.close();
    open.clear();
  }

  /** A stage log being written: its size and a sparse line → offset index (its file is open only while written to). */
  private static final class StageFile {
    private final Path file;
    private long size;
    private long lines;
    private final List<long[]> index = new ArrayList<>(); // {offset, number of the line starting there}

    private StageFile(Path file, long size) {
      this.file = file;
      this.size = size;
    }

    static StageFile open(Path f) {
      try {
        PrivateFiles.createDirectories(f.getParent());
        StageFile sf = new StageFile(f, Files.exists(f) ? Files.size(f) : 0);
        if (sf.size > 0) {
          sf.size = 0; // an existing file (a host restart): index it from the start on first seek
          sf.index.add(new long[] {0, 1});
          sf.lines = -1;
        }
        return sf;
      } catch (IOException e) {
        throw FileErrors.storeFailure("cannot open " + f, e);
      }
    }

    /** Records of consecutive lines, written at once. */
    synchronized void write(org.pipelinekit.core.files.AppendChannels channels, long[] numbers, byte[][] records) {
      int total = 0;
      for (byte[] r : records) total += r.length;
      ByteBuffer all = ByteBuffer.allocate(total);
      long offset = size;
      List<long[]> points = new ArrayList<>();
      for (int i = 0; i < records.length; i++) {
        if (lines >= 0 && numbers[i] % INDEX_EVERY == 1) points.add(new long[] {offset, numbers[i]});
        all.put(records[i]);
        offset += records[i].length;
      }
      try {
        channels.append(file, all.flip());
        index.addAll(points);
        size = offset;
        if (lines >= 0 && records.length > 0) lines = numbers[records.length - 1];
      } catch (IOException e) {
        throw FileErrors.storeFailure("cannot write " + (records.length == 1 ? "a log line" : records.length + " log lines") + " to " + file, e);
      }
    }

    /** {offset, line number at offset} of the indexed point at or before {@code line}. */
    synchronized long[] seek(long line) {
      long[] best = {0, 1};
      for (long[] point : index) {
        if (point[1] <= line) best = point;
        else break;
      }
      return best;
    }

    synchronized long lines() {
      return Math.max(lines, 0);
    }
  }
}
