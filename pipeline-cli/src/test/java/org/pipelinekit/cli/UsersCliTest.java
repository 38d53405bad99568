package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.web.Authorizer;
import org.pipelinekit.core.access.Action;

/** users add|list|remove with roles, as a user types them, and what each role may do on serve. */
class UsersCliTest {
  private final Cli cli = new Cli();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void usersHaveRoles_andALineFromBeforeRolesIsAnEditor(@TempDir Path dir) throws Exception {
    String data = dir.toString();
    assertThat(run("users", "add", "vic", "--role", "viewer", "--data-dir", data)).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("added vic as viewer to").containsPattern("token: pk_\\S+");
    assertThat(run("users", "add", "rob", "--role", "runner", "--group", "ops", "--data-dir", data)).isZero();
    assertThat(run("users", "add", "bob", "--role", "boss", "--data-dir", data)).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("no role 'boss'; the roles are viewer, runner, approver, editor and admin");
    // a line written before roles existed
    Files.writeString(dir.resolve("users"), Files.readString(dir.resolve("users")) + "old - sha256:" + "a".repeat(64) + "\n");
    assertThat(run("users", "list", "--data-dir", data)).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString().lines().toList()).containsExactly("vic  viewer", "rob  runner  ops", "old  editor");

    Authorizer serve = UsersFile.authorizer(UsersFile.read(dir.resolve("users")));
    Principal vic = Principal.of("vic");
    Principal rob = Principal.of("rob", "ops");
    Principal old = Principal.of("old");
    assertThat(serve.allowed(vic, Action.READ, java.util.Optional.empty())).isTrue();
    assertThat(serve.allowed(vic, Action.RUN, java.util.Optional.of("p"))).isFalse();
    assertThat(serve.allowed(rob, Action.RUN, java.util.Optional.of("p"))).isTrue();
    assertThat(serve.allowed(rob, Action.EDIT, java.util.Optional.of("p"))).isFalse();
    assertThat(serve.allowed(old, Action.EDIT, java.util.Optional.of("p"))).isTrue();
    assertThat(serve.allowed(old, Action.AUDIT, java.util.Optional.empty())).isFalse();
    assertThat(serve.allowed(Principal.of("admin", "admins"), Action.AUDIT, java.util.Optional.empty())).isTrue();
    assertThat(serve.allowed(Principal.of("someone-else"), Action.READ, java.util.Optional.empty())).as("no role: nothing").isFalse();

    assertThat(run("users", "remove", "vic", "--data-dir", data)).isZero();
    assertThat(run("users", "list", "--data-dir", data)).isZero();
    assertThat(cli.out.toString()).doesNotContain("vic");
  }

  @Test
  void rolesArePerProject_grantAndRevokeKeepTheToken_andANewTokenKeepsTheRoles(@TempDir Path dir) throws Exception {
    String data = dir.toString();
    assertThat(run("users", "add", "alice", "--project", "web", "--role", "editor", "--data-dir", data)).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("added alice as editor of project web");
    String hash = UsersFile.read(dir.resolve("users")).get(0).sha256();
    assertThat(run("users", "grant", "alice", "--project", "mobile", "--role", "viewer", "--data-dir", data)).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("alice now has roles mobile=viewer,web=editor");
    assertThat(run("users", "grant", "alice", "--role", "runner", "--data-dir", data)).isZero();
    assertThat(run("users", "list", "--data-dir", data)).isZero();
    assertThat(cli.out.toString().lines().toList()).containsExactly("alice  runner,mobile=viewer,web=editor");
    assertThat(UsersFile.read(dir.resolve("users")).get(0).sha256()).as("grant keeps the token").isEqualTo(hash);

    Principal alice = Principal.of("alice");
    var users = UsersFile.read(dir.resolve("users"));
    assertThat(UsersFile.authorizer(users, "web").allowed(alice, Action.EDIT, java.util.Optional.of("p"))).isTrue();
    assertThat(UsersFile.authorizer(users, "mobile").allowed(alice, Action.EDIT, java.util.Optional.of("p"))).isFalse();
    assertThat(UsersFile.authorizer(users, "mobile").allowed(alice, Action.READ, java.util.Optional.empty())).isTrue();
    assertThat(UsersFile.authorizer(users, "shop").allowed(alice, Action.READ, java.util.Optional.empty())).as("no role: not even read").isFalse();
    assertThat(UsersFile.authorizer(users, "shop").allowed(Principal.of("admin", "admins"), Action.AUDIT, java.util.Optional.empty())).isTrue();

    assertThat(run("users", "grant", "alice", "--project", "mobile", "--revoke", "--data-dir", data)).isZero();
    assertThat(UsersFile.authorizer(UsersFile.read(dir.resolve("users")), "mobile").allowed(alice, Action.READ, java.util.Optional.empty())).isFalse();
    assertThat(run("users", "token", "alice", "--data-dir", data)).isZero();
    assertThat(cli.out.toString()).containsPattern("token: pk_\\S+");
    assertThat(UsersFile.read(dir.resolve("users")).get(0)).satisfies(u -> {
      assertThat(u.sha256()).isNotEqualTo(hash);
      assertThat(u.rolesText()).isEqualTo("runner,web=editor");
    });

    assertThat(run("users", "grant", "nobody", "--role", "viewer", "--data-dir", data)).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("no user nobody in").contains("pipelinekit users add nobody");
    assertThat(run("users", "add", "eve", "--project", "Web App", "--data-dir", data)).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("'Web App' is not a project name: lowercase letters, digits and '-'");
    assertThat(run("users", "grant", "alice", "--data-dir", data)).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("give either --role ROLE or --revoke");
  }
}
