package org.pipelinekit.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files appended to by many writers, at most {@code max} of them open at once: a file is opened when written to and the
 * one written to least recently is closed when more would be open (it is opened again, in append mode, when written to
 * next). So a store with thousands of executions queued or finished-but-kept holds a bounded number of descriptors — the
 * JDK closes every inherited descriptor in each process it starts, so each open file costs every step start too.
 * Files are made readable by their owner only.
 */
public final class AppendChannels implements AutoCloseable {
  private final int max;
  private final LinkedHashMap<Path, FileChannel> open = new LinkedHashMap<>(64, 0.75f, true); // guarded by this
  private boolean closed;

  public AppendChannels(int max) {
    if (max < 1) throw new IllegalArgumentException("at least one file must be allowed open, got " + max);
    this.max = max;
  }

  /** Appends the whole buffer to {@code file} (made if missing). */
  public synchronized void append(Path file, ByteBuffer data) throws IOException {
    if (closed) throw new IOException("closed: nothing more is written to " + file);
    FileChannel ch = open.get(file);
    if (ch == null || !ch.isOpen()) {
      ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
          PrivateFiles.file());
      open.put(file, ch);
      evict();
    }
    while (data.hasRemaining()) ch.write(data);
  }

  /** Closes {@code file} if it is open (a later append opens it again). */
  public synchronized void close(Path file) {
    quietly(open.remove(file));
  }

  /** Closes every open file below {@code dir}. */
  public synchronized void closeUnder(Path dir) {
    for (Iterator<Map.Entry<Path, FileChannel>> it = open.entrySet().iterator(); it.hasNext();) {
      Map.Entry<Path, FileChannel> e = it.next();
      if (e.getKey().startsWith(dir)) {
        quietly(e.getValue());
        it.remove();
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    List<FileChannel> all = new ArrayList<>(open.values());
    open.clear();
    all.forEach(AppendChannels::quietly);
  }

  private void evict() {
    for (Iterator<FileChannel> it = open.values().iterator(); open.size() > max && it.hasNext();) {
      quietly(it.next()); // the least recently written
      it.remove();
    }
  }

  private static void quietly(FileChannel ch) {
    if (ch == null) return;
    try {
      ch.close();
    } catch (IOException ignored) {
      // every write already reached the OS
    }
  }
}
