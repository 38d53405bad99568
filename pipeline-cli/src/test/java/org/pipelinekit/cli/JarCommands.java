package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The jar as an operator runs it from a shell, for the jar ITs: a command to its end, and what it printed. */
final class JarCommands {
  private JarCommands() {}

  /** Runs {@code java -jar pipelinekit.jar args…} with {@code stdin} (or none) and checks it exits 0; what it printed. */
  static String jar(String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", SharedDatabaseJarIT.JAR.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", args) + ":\n" + out).isTrue();
    return out;
  }

  /** The token {@code users add} printed. */
  static String token(String said) {
    Matcher m = Pattern.compile("(?m)^token: (pk_\\S+)$").matcher(said);
    assertThat(m.find()).as(said).isTrue();
    return m.group(1);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
