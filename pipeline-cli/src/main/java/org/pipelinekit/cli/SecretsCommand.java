package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "secrets", description = {"Keep secrets, encrypted, in a data directory, for serve and run --data-dir to read as"
    + " $${{ secrets.NAME }}. Values are read from standard input, never from the command line (which others can see in ps)."},
    subcommands = {SecretsCommand.Set.class, SecretsCommand.List.class, SecretsCommand.Delete.class})
final class SecretsCommand extends CommandGroup {
  static class DataDir {
    @Option(names = "--data-dir", description = "The data directory (default: $$PIPELINEKIT_DATA_DIR, else $$XDG_STATE_HOME/pipelinekit, else ~/.local/state/pipelinekit: now ${DEFAULT-VALUE})")
    Path dataDir;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--project", paramLabel = "NAME", defaultValue = Projects.DEFAULT, description = "The project whose secrets"
        + " these are (serve --project); only its runs read them (default: ${DEFAULT-VALUE})")
    String project;

    /** The store these options name, and where, for messages. */
    CliSecrets.Opened open() throws java.io.IOException {
      return CliSecrets.open(dataDir, project, database);
    }
  }

  @Command(name = "set", description = "Store a secret; its value is read from standard input (a last newline is dropped):"
      + " printf %%s \"$TOKEN\" | pipelinekit secrets set DEPLOY_TOKEN")
  static final class Set extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Letters, digits and _, not starting with a digit")
    String name;

    @Option(names = "--environment", paramLabel = "ENV", description = "The secret of this environment only: its stages read it as"
        + " $${{ secrets.NAME }} (stored as ENV__NAME); other stages do not")
    String environment;

    @Override
    public Integer call() throws Exception {
      if (environment != null) {
        if (!environment.matches("[a-z0-9][a-z0-9_-]*")) {
          spec.commandLine().getErr().println("--environment names an environment: lower-case letters, digits, - and _ (like production)");
          return Main.INVALID;
        }
        name = org.pipelinekit.core.environment.EnvironmentDefinition.secretPrefix(environment) + name;
      }
      String value = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      if (value.endsWith("\n")) value = value.substring(0, value.length() - (value.endsWith("\r\n") ? 2 : 1));
      if (value.isEmpty()) {
        spec.commandLine().getErr().println("no value on standard input; pipe it in: printf %s \"$VALUE\" | pipelinekit secrets set " + name);
        return Main.INVALID;
      }
      String where;
      try {
        Projects.checkName(project);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("--project: " + e.getMessage());
        return Main.INVALID;
      }
      try (CliSecrets.Opened store = open()) {
        store.secrets().put(name, value);
        CliAudit.record(store.audit(), "secret.write", "secret/" + name, java.util.Map.of("length", Integer.toString(value.length())));
        where = store.where();
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return Main.INVALID;
      }
      spec.commandLine().getOut().println("stored secret " + name + " (" + value.length() + " characters) in " + where);
      return 0;
    }
  }

  @Command(name = "list", description = "The names of the stored secrets (never their values)")
  static final class List extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (CliSecrets.Opened store = open()) {
        store.secrets().names().forEach(out::println);
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Forget a stored secret")
  static final class Delete extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      try (CliSecrets.Opened store = open()) {
        if (!store.secrets().delete(name)) {
          spec.commandLine().getErr().println("no secret " + name + " in " + store.where());
          return Main.INVALID;
        }
        CliAudit.record(store.audit(), "secret.delete", "secret/" + name, java.util.Map.of());
      }
      spec.commandLine().getOut().println("deleted secret " + name);
      return 0;
    }
  }
}
