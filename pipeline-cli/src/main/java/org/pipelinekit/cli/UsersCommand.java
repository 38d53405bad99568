package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "users", description = {"The people who can sign in to serve, each with a token of their own, groups that"
    + " approvals can name and a role in each project they may see (the token given to serve itself signs in as 'admin', group"
    + " 'admins', and may do everything everywhere). Kept in <data-dir>/users as token hashes; serve reads the file when it starts."},
    subcommands = {UsersCommand.Add.class, UsersCommand.Grant.class, UsersCommand.Token.class, UsersCommand.List.class,
        UsersCommand.Remove.class})
final class UsersCommand extends CommandGroup {
  static class DataDir {
    @Option(names = "--data-dir", description = "The data directory of serve (default: $$PIPELINEKIT_DATA_DIR, else $$XDG_STATE_HOME/pipelinekit, else ~/.local/state/pipelinekit: now ${DEFAULT-VALUE})")
    Path dataDir;

    Path file() {
      return dataDir.resolve("users");
    }
  }

  @Command(name = "add", description = "Add a user (or give one a new token) and print the token, once: it is kept nowhere else")
  static final class Add extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The user's name, as approvals and the run page show it")
    String name;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "A group the user is in (repeat for more); approvals can name groups")
    java.util.List<String> groups = new java.util.ArrayList<>();

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", defaultValue = "editor", description = "What the user may do: viewer (read),"
        + " runner (read, run), approver (read, approve), editor (read, edit, run, approve) or admin (all, the audit log included);"
        + " default: ${DEFAULT-VALUE}")
    String role;

    @Option(names = {"-p", "--project"}, paramLabel = "PROJECT", defaultValue = Projects.DEFAULT, description = "The project the role"
        + " is in; the user sees no other (give more with users grant); default: ${DEFAULT-VALUE}")
    String project;

    @Override
    public Integer call() throws Exception {
      String token;
      try {
        token = UsersFile.add(file(), name, new TreeSet<>(groups), Projects.checkName(project), org.pipelinekit.core.access.Role.of(role));
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return Main.INVALID;
      }
      CliAudit.record(CliAudit.of(dataDir, null), "user.add", "user/" + name, java.util.Map.of("groups", String.join(",", new TreeSet<>(groups)),
          "role", role.toLowerCase(java.util.Locale.ROOT), "project", project));
      PrintWriter out = spec.commandLine().getOut();
      out.println("added " + name + " as " + role.toLowerCase(java.util.Locale.ROOT) + (project.equals(Projects.DEFAULT) ? "" : " of project "
          + project) + (groups.isEmpty() ? "" : " (groups " + String.join(", ", new TreeSet<>(groups)) + ")") + " to " + file());
      out.println("token: " + token);
      out.println("give it to " + name + " to sign in; restart serve to let it in");
      return 0;
    }
  }

  @Command(name = "grant", description = "Give a user a role in a project, or with --revoke take it away; their token stays"
      + " (serve reads the change when it restarts)")
  static final class Grant extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-p", "--project"}, paramLabel = "PROJECT", defaultValue = Projects.DEFAULT, description = "default: ${DEFAULT-VALUE}")
    String project;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", description = "viewer, runner, approver, editor or admin")
    String role;

    @Option(names = "--revoke", description = "Take the user's role in the project away: they no longer see it")
    boolean revoke;

    @Override
    public Integer call() throws Exception {
      UsersFile.User changed;
      try {
        if ((role == null) == !revoke) throw new IllegalArgumentException("give either --role ROLE or --revoke");
        changed = UsersFile.grant(file(), name, Projects.checkName(project), revoke ? java.util.Optional.empty()
            : java.util.Optional.of(org.pipelinekit.core.access.Role.of(role)));
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return Main.INVALID;
      }
      CliAudit.record(CliAudit.of(dataDir, null), revoke ? "user.revoke" : "user.grant", "user/" + name, java.util.Map.of("project", project,
          "role", revoke ? "-" : role.toLowerCase(java.util.Locale.ROOT)));
      spec.commandLine().getOut().println(name + " now has roles " + changed.rolesText() + " (restart serve to apply)");
      return 0;
    }
  }

  @Command(name = "token", description = "Give a user a new token and print it, once (the old one stops working when serve"
      + " restarts); their groups and roles stay")
  static final class Token extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      String token;
      try {
        token = UsersFile.newToken(file(), name);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return Main.INVALID;
      }
      CliAudit.record(CliAudit.of(dataDir, null), "user.token", "user/" + name, java.util.Map.of());
      spec.commandLine().getOut().println("token: " + token);
      return 0;
    }
  }

  @Command(name = "list", description = "The users, their roles and their groups (never their tokens)")
  static final class List extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try {
        for (UsersFile.User u : UsersFile.read(file())) {
          out.println(u.name() + "  " + u.rolesText() + (u.groups().isEmpty() ? "" : "  " + String.join(", ", u.groups())));
        }
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return Main.INVALID;
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a user: their token stops working when serve restarts")
  static final class Remove extends DataDir implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      if (!UsersFile.remove(file(), name)) {
        spec.commandLine().getErr().println("no user " + name + " in " + file());
        return Main.INVALID;
      }
      CliAudit.record(CliAudit.of(dataDir, null), "user.remove", "user/" + name, java.util.Map.of());
      spec.commandLine().getOut().println("removed " + name + " from " + file());
      return 0;
    }
  }
}
