package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GitLab CI files run side by side by gitlab-ci-local (the tool GitLab users run locally; shell executor, each job in
 * its own copy) and by PipelineKit's jar, in a git repository of their own: the same jobs run with the same result
 * (PASS, FAIL, WARN for a failure allowed), print the same {@code OUT} lines, in the order the file's {@code # order:
 * a < b} lines ask (b starts after a ends, from the {@code T} lines the jobs print), and the pipeline ends the same.
 *
 * <p>Where gitlab-ci-local departs from GitLab's documentation, the case says so in a {@code # departure: job RESULT —
 * why} line: PipelineKit must give the documented RESULT, gitlab-ci-local must still give something else (so the line
 * goes when it changes), and that job's lines are not compared.
 */
class GitLabDifferentialIT {
  private static final Path TOOL = Path.of("../tools/gitlab-ci-local").toAbsolutePath().normalize();
  private static final Pattern ORDER = Pattern.compile("(?m)^# order: (\\S+) < (\\S+)$");
  private static final Pattern DEPARTURE = Pattern.compile("(?m)^# departure: (\\S+) (PASS|FAIL|WARN|absent) — (.+)$");

  /** What one tool did: each job's result, the OUT lines it printed, the times of its T lines, the pipeline's exit, all it printed. */
  record Outcome(Map<String, String> results, Map<String, List<String>> out, Map<String, Long> times, int exit, String output) {}

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(GitLabDifferentialIT.class.getResource("/gitlab-differential").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".gitlab-ci.yml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gitlabCiLocalAndPipelineKitRunTheFileAlike(String name, @TempDir Path dir) throws Exception {
    if (!Files.isRegularFile(TOOL.resolve("node_modules/gitlab-ci-local/dist/index.js"))) {
      Assumptions.abort("gitlab-ci-local is not installed: scripts/test.sh does it (npm ci --prefix tools/gitlab-ci-local)");
    }
    String file = new String(GitLabDifferentialIT.class.getResourceAsStream("/gitlab-differential/" + name).readAllBytes(),
        StandardCharsets.UTF_8);
    // a case's other files (an included one, say) are in <case>.files/
    Path files = Path.of(GitLabDifferentialIT.class.getResource("/gitlab-differential").toURI())
        .resolve(name.replace(".gitlab-ci.yml", ".files"));
    Outcome gcl = gitlabCiLocal(repository(dir.resolve("gcl"), ".gitlab-ci.yml", file, files));
    Outcome pk = pipelineKit(repository(dir.resolve("pk"), ".gitlab-ci.yml", file, files), dir.resolve("data"), ".gitlab-ci.yml");

    Map<String, String[]> departures = new TreeMap<>();
    Matcher d = DEPARTURE.matcher(file);
    while (d.find()) departures.put(d.group(1), new String[] {d.group(2), d.group(3)});
    List<String> said = new ArrayList<>();
    for (Map.Entry<String, String[]> e : departures.entrySet()) {
      String job = e.getKey();
      String documented = e.getValue()[0];
      assertThat(pk.results().getOrDefault(job, "absent")).as("%s: PipelineKit follows GitLab's documentation for %s", name, job)
          .isEqualTo(documented);
      assertThat(gcl.results().getOrDefault(job, "absent")).as("%s: gitlab-ci-local still departs for %s (else drop the line)", name, job)
          .isNotEqualTo(documented);
      said.add(job + " " + documented + " (gitlab-ci-local: " + gcl.results().getOrDefault(job, "absent") + "; " + e.getValue()[1] + ")");
    }
    Map<String, String> gclResults = new TreeMap<>(gcl.results());
    Map<String, String> pkResults = new TreeMap<>(pk.results());
    departures.keySet().forEach(j -> { gclResults.remove(j); pkResults.remove(j); });
    assertThat(pkResults).as("%s: which jobs ran, and how they ended", name).isEqualTo(gclResults);
    for (String job : gclResults.keySet()) {
      // (the jobs of a parallel job print in any order between them)
      assertThat(pk.out().getOrDefault(job, List.of())).as("%s: what %s printed", name, job)
          .containsExactlyInAnyOrderElementsOf(gcl.out().getOrDefault(job, List.of()));
    }
    if (departures.isEmpty()) assertThat(pk.exit() == 0).as("%s: the pipeline's result", name).isEqualTo(gcl.exit() == 0);
    Matcher o = ORDER.matcher(file);
    while (o.find()) {
      for (Outcome x : List.of(gcl, pk)) {
        String tool = x == gcl ? "gitlab-ci-local" : "PipelineKit";
        Long end = x.times().get(o.group(1) + " end");
        Long start = x.times().get(o.group(2) + " start");
        assertThat(end).as("%s: %s printed when %s ended", name, tool, o.group(1)).isNotNull();
        assertThat(start).as("%s: %s printed when %s started", name, tool, o.group(2)).isNotNull();
        assertThat(start).as("%s (%s): %s starts after %s ends", name, tool, o.group(2), o.group(1)).isGreaterThanOrEqualTo(end);
      }
    }
    System.out.println("gitlab differential " + name + ": " + (said.isEmpty() ? "same" : "same but documented departures of"
        + " gitlab-ci-local: " + String.join("; ", said)));
  }

  /** A git repository holding the file as {@code name} (and the case's other files), on branch main with one commit. */
  static Path repository(Path dir, String name, String file, Path others) throws Exception {
    Files.createDirectories(dir);
    Files.createDirectories(dir.resolve(name).getParent());
    Files.writeString(dir.resolve(name), file);
    if (Files.isDirectory(others)) {
      try (Stream<Path> all = Files.walk(others)) {
        for (Path f : all.filter(Files::isRegularFile).toList()) {
          Path to = dir.resolve(others.relativize(f).toString());
          Files.createDirectories(to.getParent());
          Files.copy(f, to);
        }
      }
    }
    for (List<String> git : List.of(List.of("init", "-q", "-b", "main"), List.of("add", "-A"), List.of("commit", "-qm", "the case"))) {
      List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Differential", "-c", "user.email=diff@example.com"));
      command.addAll(git);
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git %s: %s", git, out).isTrue();
    }
    return dir;
  }

  // a parallel job's name carries its cell ("shards: [1/2]", "cells: [linux,amd64]"): its lines and result count for the job
  private static final Pattern GCL_LINE = Pattern.compile("^(\\S+?)(?::\\s*\\[[^\\]]*])?\\s+> (.*)$");
  private static final Pattern GCL_RESULT = Pattern.compile("^ (PASS|FAIL|WARN) +(\\S+?)(?::\\s*\\[[^\\]]*])?(?:\\s+(\\S+))?\\s*$");

  private static Outcome gitlabCiLocal(Path repo) throws Exception {
    return run("gitlab-ci-local", List.of(TOOL.resolve("node_modules/.bin/node").toString(),
        TOOL.resolve("node_modules/gitlab-ci-local/dist/index.js").toString(), "--shell-executor-no-image", "--shell-isolation"), repo,
        GCL_RESULT, (r, results) -> {
          String job = r.group(2);
          boolean afterScriptOnly = "after_script".equals(r.group(3));
          if (r.group(1).equals("FAIL")) results.put(job, "FAIL");
          else if (r.group(1).equals("WARN") && !afterScriptOnly) results.merge(job, "WARN", (a, b) -> a.equals("FAIL") ? a : b);
          else results.putIfAbsent(job, "PASS");
        }, GCL_LINE);
  }

  private static final Pattern PK_LINE = Pattern.compile("^  \\[([^\\[\\]]+)(?:\\[[^\\]]*])?] (.*)$");
  private static final Pattern PK_RESULT = Pattern.compile("^  (\\S+) +(success|failure|soft-failure|skipped|cancelled|timed-out)\\b.*$");

  /** The jar's {@code run} of the file (and any other arguments) in the repository: which jobs ended how, what they printed. */
  static Outcome pipelineKit(Path repo, Path data, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        SharedDatabaseJarIT.JAR.toAbsolutePath().toString(), "run", "--data-dir", data.toString()));
    command.addAll(List.of(args));
    return run("PipelineKit", command, repo, PK_RESULT, (r, results) -> {
      switch (r.group(2)) {
        case "success" -> results.put(r.group(1), "PASS");
        case "soft-failure" -> results.put(r.group(1), "WARN");
        case "skipped" -> { } // left out: absent, as GitLab has it
        default -> results.put(r.group(1), "FAIL");
      }
    }, PK_LINE);
  }

  /**
   * Runs a tool to its end in the repository and reads what it printed: a line matching {@code result} says how a job
   * ended ({@code onResult} records it), a line matching {@code line} is a job's output (job, text).
   */
  private static Outcome run(String tool, List<String> command, Path repo, Pattern result,
      java.util.function.BiConsumer<Matcher, Map<String, String>> onResult, Pattern line) throws Exception {
    Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    Map<String, String> results = new TreeMap<>();
    Map<String, List<String>> out = new TreeMap<>();
    Map<String, Long> times = new TreeMap<>();
    for (String text : output.split("\n")) {
      Matcher r = result.matcher(text);
      if (r.matches()) {
        onResult.accept(r, results);
        continue;
      }
      Matcher m = line.matcher(text);
      if (m.matches()) record(m.group(1), m.group(2), out, times);
    }
    assertThat(results).as(tool + " ran nothing:\n" + output).isNotEmpty();
    return new Outcome(results, out, times, p.exitValue(), output);
  }

  private static void record(String job, String text, Map<String, List<String>> out, Map<String, Long> times) {
    if (text.startsWith("OUT ")) out.computeIfAbsent(job, k -> new ArrayList<>()).add(text);
    String[] t = text.split(" ");
    if (t.length == 4 && t[0].equals("T")) times.put(t[1] + " " + t[2], Long.parseLong(t[3]));
  }
}
