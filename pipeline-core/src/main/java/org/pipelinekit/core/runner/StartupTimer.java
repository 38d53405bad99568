package org.pipelinekit.core.runner;

import java.time.Duration;
import org.pipelinekit.core.spi.StepOutput;

/**
 * For runners: passes a step's lines on and reports {@link StepOutput#started} once, with the time
 * from {@link #StartupTimer(StepOutput) creation} (call it just before creating the process or
 * container) to the first line, or to {@link #finished()} for a step that printed nothing.
 */
public final class StartupTimer implements StepOutput {
  private final StepOutput output;
  private final long start = System.nanoTime();
  private boolean reported;

  public StartupTimer(StepOutput output) {
    this.output = output;
  }

  @Override
  public void line(String text) {
    report();
    output.line(text);
  }

  @Override
  public void lines(java.util.List<String> texts) {
    report();
    output.lines(texts);
  }

  @Override
  public void started(Duration startup) {
    synchronized (this) {
      if (reported) return;
      reported = true;
    }
    output.started(startup);
  }

  /** The step ended; reports the start-up time now if no line came. */
  public void finished() {
    report();
  }

  private void report() {
    synchronized (this) {
      if (reported) return;
      reported = true;
    }
    output.started(Duration.ofNanos(System.nanoTime() - start));
  }
}
