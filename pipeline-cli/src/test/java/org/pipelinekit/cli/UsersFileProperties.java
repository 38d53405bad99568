package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.pipelinekit.core.access.Role;

/** The users file is a parser: whatever roles per project a user has, writing the file and reading it back gives them again. */
class UsersFileProperties {
  @Property(tries = 200)
  void rolesPerProjectSurviveTheFile(@ForAll("roles") Map<String, Role> roles, @ForAll("groups") Set<String> groups) throws Exception {
    Path dir = Files.createTempDirectory("pk-users-");
    try {
      Path file = dir.resolve("users");
      String first = roles.keySet().iterator().next();
      UsersFile.add(file, "someone", groups, first, roles.get(first));
      for (Map.Entry<String, Role> e : roles.entrySet()) UsersFile.grant(file, "someone", e.getKey(), java.util.Optional.of(e.getValue()));
      List<UsersFile.User> read = UsersFile.read(file);
      assertThat(read).singleElement().satisfies(u -> {
        assertThat(u.roles()).isEqualTo(roles);
        assertThat(u.groups()).isEqualTo(groups);
        for (Map.Entry<String, Role> e : roles.entrySet()) {
          assertThat(UsersFile.authorizer(read, e.getKey()).allowed(org.pipelinekit.core.engine.Principal.of("someone"),
              org.pipelinekit.core.access.Action.READ, java.util.Optional.empty())).isTrue();
        }
      });
      assertThat(Files.readString(file)).doesNotContain("pk_"); // the token is never in it
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<Map<String, Role>> roles() {
    Arbitrary<String> project = Arbitraries.oneOf(Arbitraries.just(UsersFile.DEFAULT_PROJECT),
        Combinators.combine(Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(1),
            Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMaxLength(20)).as((a, b) -> a + b));
    return Arbitraries.maps(project, Arbitraries.of(Role.class)).ofMinSize(1).ofMaxSize(6).map(LinkedHashMap::new);
  }

  @Provide
  Arbitrary<Set<String>> groups() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-").ofMinLength(1).ofMaxLength(12)
        .filter(g -> Character.isLetterOrDigit(g.charAt(0))).set().ofMaxSize(4);
  }
}
