package org.pipelinekit.docker.internal;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.pipelinekit.core.spi.StepOutput;

/**
 * Turns the engine's multiplexed log frames into lines: one buffer per stream, so a line split
 * across frames (or a UTF-8 character split across them) comes out whole; a line longer than
 * 64 KiB is passed on in pieces, like the local runner does.
 */
public final class FrameLines {
  private static final int MAX_LINE = 64 * 1024;

  private final StepOutput output;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
  private final ByteArrayOutputStream err = new ByteArrayOutputStream(256);

  public FrameLines(StepOutput output) {
    this.output = output;
  }

  public synchronized void frame(Frame frame) {
    ByteArrayOutputStream line = frame.getStreamType() == StreamType.STDERR ? err : out;
    for (byte b : frame.getPayload()) {
      if (b == '\n') {
        emit(line);
      } else {
        line.write(b);
        if (line.size() >= MAX_LINE) emit(line);
      }
    }
  }

  /** Passes on what is left without a line break. */
  public synchronized void flush() {
    if (out.size() > 0) emit(out);
    if (err.size() > 0) emit(err);
  }

  private void emit(ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    int len = bytes.length;
    if (len > 0 && bytes[len - 1] == '\r') len--;
    output.line(new String(bytes, 0, len, StandardCharsets.UTF_8));
    line.reset();
  }
}
