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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GitHub Actions workflows run by the jar as GitHub documents them — there is no local GitHub to compare with, so each
 * file says what GitHub does: {@code # expect: job RESULT} (PASS, FAIL, WARN for a failure allowed, absent for a job
 * that does not run), {@code # out: job: line} for each {@code OUT} line the job prints (all of them, in any order;
 * {@code # out 1:} for the first of {@code # runs: 2}, which share a data directory and so their caches) and
 * {@code # pipeline: PASS|FAIL}. The files are in {@code github-runs/}, each run in a git repository of its own as
 * {@code .github/workflows/<name>}.
 */
class GitHubActionsRunIT {
  private static final Pattern EXPECT = Pattern.compile("(?m)^# expect: (\\S+) (PASS|FAIL|WARN|absent)$");
  private static final Pattern OUT = Pattern.compile("(?m)^# out( \\d+)?: (\\S+): (.*)$");
  private static final Pattern PIPELINE = Pattern.compile("(?m)^# pipeline: (PASS|FAIL)$");
  private static final Pattern RUNS = Pattern.compile("(?m)^# runs: (\\d+)$");

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(GitHubActionsRunIT.class.getResource("/github-runs").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theWorkflowRunsAsGitHubDocumentsIt(String name, @TempDir Path dir) throws Exception {
    String file = new String(GitHubActionsRunIT.class.getResourceAsStream("/github-runs/" + name).readAllBytes(), StandardCharsets.UTF_8);
    Path repo = GitLabDifferentialIT.repository(dir.resolve("repo"), ".github/workflows/" + name, file, dir.resolve("none"));
    Matcher r = RUNS.matcher(file);
    int runs = r.find() ? Integer.parseInt(r.group(1)) : 1;
    for (int run = 1; run <= runs; run++) {
      GitLabDifferentialIT.Outcome pk = GitLabDifferentialIT.pipelineKit(repo, dir.resolve("data"), ".github/workflows/" + name);
      String said = name + " (run " + run + " of " + runs + "):\n" + pk.output();
      Map<String, List<String>> out = new TreeMap<>();
      Matcher o = OUT.matcher(file);
      while (o.find()) {
        int of = o.group(1) == null ? runs : Integer.parseInt(o.group(1).strip());
        if (of == run) out.computeIfAbsent(o.group(2), k -> new ArrayList<>()).add("OUT " + o.group(3));
      }
      for (String job : union(out.keySet(), pk.out().keySet())) {
        assertThat(pk.out().getOrDefault(job, List.of())).as("what %s printed in %s", job, said)
            .containsExactlyInAnyOrderElementsOf(out.getOrDefault(job, List.of()));
      }
      if (run < runs) continue;
      Matcher e = EXPECT.matcher(file);
      while (e.find()) {
        assertThat(pk.results().getOrDefault(e.group(1), "absent")).as("how %s ended in %s", e.group(1), said).isEqualTo(e.group(2));
      }
      Matcher p = PIPELINE.matcher(file);
      assertThat(p.find()).as("%s says how the pipeline ends (# pipeline: PASS|FAIL)", name).isTrue();
      assertThat(pk.exit() == 0 ? "PASS" : "FAIL").as("the pipeline's result in %s", said).isEqualTo(p.group(1));
    }
    System.out.println("github run " + name + ": as documented");
  }

  private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    java.util.Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
