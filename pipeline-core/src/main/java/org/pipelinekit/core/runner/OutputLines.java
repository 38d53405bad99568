package org.pipelinekit.core.runner;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pipelinekit.core.spi.StepOutput;

/**
 * Turns a step's output bytes into the lines a {@link StepOutput} takes, however the bytes arrive (a pipe, log frames,
 * websocket messages): a line split across chunks, or a UTF-8 character split across them, comes out whole; a trailing
 * carriage return is dropped ({@code \r} inside a line is kept); a line longer than 64 KiB is passed on in 64 KiB pieces;
 * {@link #flush()} passes on the last line that has no line break. Every runner splits with this. Not thread-safe: one
 * stream, one instance.
 */
public final class OutputLines {
  private static final int MAX_LINE = 64 * 1024;

  private final StepOutput output;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  public OutputLines(StepOutput output) {
    this.output = output;
  }

  /** Splits a chunk; the lines it completes go on together ({@link StepOutput#lines}). */
  public void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        complete();
      } else {
        line.write(b);
        if (line.size() >= MAX_LINE) complete();
      }
    }
    if (done.size() == 1) {
      output.line(done.get(0));
    } else if (!done.isEmpty()) {
      output.lines(List.copyOf(done));
    }
    done.clear();
  }

  public void write(byte[] bytes) {
    write(bytes, 0, bytes.length);
  }

  /** Passes on what is left without a line break. */
  public void flush() {
    if (line.size() > 0) {
      complete();
      output.line(done.remove(0));
    }
  }

  private final List<String> done = new ArrayList<>();

  private void complete() {
    byte[] bytes = line.toByteArray();
    int len = bytes.length;
    if (len > 0 && bytes[len - 1] == '\r') len--;
    done.add(new String(bytes, 0, len, StandardCharsets.UTF_8));
    line.reset();
  }
}
