package org.pipelinekit.cli;

import java.io.PrintWriter;
import org.pipelinekit.core.files.FileErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pipelinekit} command. */
// scope INHERIT: every subcommand takes --help and --version too (it answered 'Missing required parameter' with exit 2)
@Command(name = "pipelinekit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, scope = CommandLine.ScopeType.INHERIT,
    description = "Define, check and run CI/CD pipelines.",
    subcommands = {RunCommand.class, ValidateCommand.class, PlanCommand.class, ExportCommand.class, ImportCommand.class, ServeCommand.class, SecretsCommand.class, UsersCommand.class,
        SigningCommands.Keys.class, SigningCommands.Sign.class, SigningCommands.Verify.class,
        CommandLine.HelpCommand.class})
public final class Main {

  /** Exit code when a pipeline is invalid or cannot be read. */
  public static final int INVALID = 1;

  public static void main(String[] args) {
    // vfork starts a step's process about twice as fast as the JDK's default posix_spawn helper
    // (measured by benchmarks/…/EngineVsMake); a host that sets the property keeps its choice
    if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setDefaultValueProvider(new StateDirectory());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler((e, line, parse) -> {
      line.getErr().println("error: " + FileErrors.describe(e));
      return INVALID;
    });
    return cmd.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pipelinekit " + (v == null ? "development build" : v)};
    }
  }
}
