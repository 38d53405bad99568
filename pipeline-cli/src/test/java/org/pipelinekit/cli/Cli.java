package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The CLI run in this JVM, as a user types a command: what it printed to each stream, and its exit code. */
final class Cli {
  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  /** Runs the command with fresh streams; its exit code. */
  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
