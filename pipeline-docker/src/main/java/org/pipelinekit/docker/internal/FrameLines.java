package org.pipelinekit.docker.internal;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import org.pipelinekit.core.runner.OutputLines;
import org.pipelinekit.core.spi.StepOutput;

/**
 * Turns the engine's multiplexed log frames into lines: one {@link OutputLines} per stream, so a line split across
 * frames (or a UTF-8 character split across them) comes out whole.
 */
public final class FrameLines {
  private final OutputLines out;
  private final OutputLines err;

  public FrameLines(StepOutput output) {
    this.out = new OutputLines(output);
    this.err = new OutputLines(output);
  }

  public synchronized void frame(Frame frame) {
    (frame.getStreamType() == StreamType.STDERR ? err : out).write(frame.getPayload());
  }

  /** Passes on what is left without a line break. */
  public synchronized void flush() {
    out.flush();
    err.flush();
  }
}
