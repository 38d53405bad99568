package org.pipelinekit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * The top level's {@code --help}, rendered by picocli when the jar is built ({@code pipeline-cli}'s {@code process-classes}
 * phase runs {@link #main}: plain and with colours) and printed from the jar without loading picocli: {@code --help}
 * whole-process 0.20 s → 0.07 s, picocli's classes being Java 5 class files that class-data sharing cannot archive.
 * {@code MainTest} keeps both texts equal to what picocli prints.
 */
final class UsageText {
  static final String PLAIN = "usage.txt";
  static final String COLOURED = "usage-ansi.txt";

  private UsageText() {}

  /** picocli's usage of the whole command: every subcommand's name and description. */
  static String render(CommandLine.Help.Ansi ansi) {
    CommandLine cmd = new CommandLine(new Main());
    Main.COMMANDS.values().forEach(cmd::addSubcommand);
    return cmd.getUsageMessage(ansi);
  }

  /** Writes both renderings into {@code args[0]} (the classes directory's {@code org/pipelinekit/cli}). */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args[0]));
    Files.writeString(dir.resolve(PLAIN), render(CommandLine.Help.Ansi.OFF));
    Files.writeString(dir.resolve(COLOURED), render(CommandLine.Help.Ansi.ON));
  }

  /**
   * Prints the rendered usage as picocli would for {@code pipelinekit --help} on this process's output; false where that
   * is not certain (no rendering in the jar, colours asked for or against through the environment or
   * {@code picocli.ansi}, a JDK whose {@code System.console()} does not tell a terminal) — picocli answers then.
   */
  static boolean print(PrintStream out) {
    for (String setting : new String[] {"NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "ConEmuANSI"}) {
      if (System.getenv(setting) != null) return false;
    }
    if (System.getProperty("picocli.ansi") != null || System.getProperty("picocli.usage.width") != null) return false;
    boolean terminal = System.console() != null;
    if (terminal && Runtime.version().feature() >= 22) return false; // (there System.console() is not only a terminal's)
    String text = read(terminal ? COLOURED : PLAIN);
    if (text == null) return false;
    out.print(text);
    out.flush();
    return true;
  }

  /** A rendering in the classes, or null when there is none. */
  static @Nullable String read(String name) {
    try (InputStream in = UsageText.class.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
