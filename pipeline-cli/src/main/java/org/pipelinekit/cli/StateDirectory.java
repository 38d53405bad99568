package org.pipelinekit.cli;

import java.nio.file.Path;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where serve, users and secrets keep their data when {@code --data-dir} is not given: a per-user state directory, never
 * the directory the command happens to run in (a checkout would fill up with executions, logs and secrets).
 * {@code $PIPELINEKIT_DATA_DIR} if set, else {@code $XDG_STATE_HOME/pipelinekit}, else {@code ~/.local/state/pipelinekit}
 * (the XDG Base Directory specification: a relative {@code XDG_STATE_HOME} is ignored). {@code run} keeps its own default
 * (a directory of its own per run).
 */
final class StateDirectory implements IDefaultValueProvider {
  static Path path() {
    String configured = System.getenv("PIPELINEKIT_DATA_DIR");
    if (configured != null && !configured.isBlank()) return Path.of(configured);
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("pipelinekit");
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o) || !o.longestName().equals("--data-dir")) return null;
    return o.command().name().equals("run") ? null : path().toString();
  }

  /** The default before the state directory: a directory in the command's working directory. */
  static final Path OLD_DEFAULT = Path.of("pipelinekit-data");

  /**
   * When {@code dataDir} is the state directory by default and the old default is a directory here: a line saying it is
   * not read any more and how to keep using it (nothing is moved behind the user's back).
   */
  static void noteOldDefault(Path dataDir, java.io.PrintWriter err) {
    if (!dataDir.equals(path()) || !java.nio.file.Files.isDirectory(OLD_DEFAULT)) return;
    err.println("note: ./" + OLD_DEFAULT + " (the data directory's old default) is not used: the data directory is now " + dataDir
        + "; add --data-dir " + OLD_DEFAULT + " to keep using the old one");
  }
}
