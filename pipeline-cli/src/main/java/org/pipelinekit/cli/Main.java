package org.pipelinekit.cli;

import java.io.PrintWriter;
import org.pipelinekit.core.files.FileErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pipelinekit} command. */
// scope INHERIT: every subcommand takes --help and --version too (it answered 'Missing required parameter' with exit 2)
@Command(name = "pipelinekit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, scope = CommandLine.ScopeType.INHERIT,
    description = "Define, check and run CI/CD pipelines.")
public final class Main {

  /**
   * The subcommands by name, in the order help lists them. Only the one a command line names is built (picocli reads every
   * option of every command it is given: building all of them was half of a {@code validate}'s 0.5 s); {@code --help},
   * {@code help} and anything unknown get them all. {@code MainTest} keeps the names equal to the commands' own.
   */
  static final java.util.Map<String, Class<?>> COMMANDS = commands();

  private static java.util.Map<String, Class<?>> commands() {
    java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("run", RunCommand.class);
    m.put("debug", DebugCommand.class);
    m.put("validate", ValidateCommand.class);
    m.put("plan", PlanCommand.class);
    m.put("export", ExportCommand.class);
    m.put("import", ImportCommand.class);
    m.put("serve", ServeCommand.class);
    m.put("secrets", SecretsCommand.class);
    m.put("users", UsersCommand.class);
    m.put("keys", SigningCommands.Keys.class);
    m.put("sign", SigningCommands.Sign.class);
    m.put("verify", SigningCommands.Verify.class);
    m.put("help", CommandLine.HelpCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Exit code when a pipeline is invalid or cannot be read. */
  public static final int INVALID = 1;

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")) && UsageText.print(System.out)) System.exit(0);
    // vfork starts a process about twice as fast as the JDK's default posix_spawn helper on JDK 17 and 21 (steps start
    // through the local runner's own posix_spawn where glibc has it; this is for the rest: git, docker, the runner where
    // it falls back); later JDKs deprecate it and print a warning for it, so they keep their default; a host that sets
    // the property keeps its choice
    if (System.getProperty("jdk.lang.Process.launchMechanism") == null && Runtime.version().feature() <= 21) {
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Command lines that show only the top level: its usage lists the subcommands by name and description. */
  private static final java.util.Set<String> TOP_LEVEL_ONLY = java.util.Set.of("-h", "--help", "-V", "--version");

  /**
   * Adds the subcommands as their names and descriptions only (from their annotations), for the top level's usage: what
   * picocli prints is the same, without reading every option of every command ({@code --help} 0.34 s → 0.20 s with
   * run.sh's flags; {@code MainTest} keeps the two usages equal).
   */
  static void listed(CommandLine cmd) {
    for (var e : COMMANDS.entrySet()) {
      Command c = e.getValue().getAnnotation(Command.class);
      CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(e.getKey());
      spec.usageMessage().header(c.header()).description(c.description());
      cmd.addSubcommand(e.getKey(), new CommandLine(spec));
    }
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = new CommandLine(new Main());
    Class<?> only = args.length > 0 && !args[0].equals("help") ? COMMANDS.get(args[0]) : null;
    if (only != null) {
      cmd.addSubcommand(only);
    } else if (args.length == 0 || args.length == 1 && TOP_LEVEL_ONLY.contains(args[0])) {
      listed(cmd);
    } else {
      COMMANDS.values().forEach(cmd::addSubcommand);
    }
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
