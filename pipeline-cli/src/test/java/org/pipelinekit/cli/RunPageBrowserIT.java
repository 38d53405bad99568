package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run page and the designer's unsaved work in a real browser (playwright-core driving Debian's Chromium) against the
 * jar's server: {@code e2e/run-page.e2e.mjs} — approval banners for approvers and others, a refused action as a
 * dismissible message, the failed stage's log opening by itself, reasons and decisions on the nodes, the last run on the
 * pipelines page; {@code e2e/designer-work.e2e.mjs} — no red error on a new canvas, a question before leaving unsaved
 * work, a new pipeline after saving one. Each check failed against the jar of the commit before them.
 */
class RunPageBrowserIT {
  private static final Path FRONTEND = Path.of("../pipeline-web/src/main/frontend").toAbsolutePath().normalize();
  private static final Path OUT = Path.of("target/e2e").toAbsolutePath();

  @Test
  void theRunPageSaysWhatHappenedAndWhatToDo(@TempDir Path dir) throws Exception {
    if (Boolean.getBoolean("pipelinekit.browser.skip")) Assumptions.abort("browser tests skipped by -Dpipelinekit.browser.skip=true");
    // a second person, in group ops, with a token of their own (for e2e/identities.e2e.mjs)
    Process add = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        SharedDatabaseJarIT.JAR.toString(), "users", "add", "ops-lead", "--group", "ops", "--data-dir", dir.resolve("data").toString())
        .redirectErrorStream(true).start();
    String added = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(add.waitFor(60, TimeUnit.SECONDS) && add.exitValue() == 0).as(added).isTrue();
    Matcher opsToken = Pattern.compile("(?m)^token: (pk_\\S+)$").matcher(added);
    assertThat(opsToken.find()).as(added).isTrue();
    assertThat(Files.readString(dir.resolve("data/users"))).as("only the token's hash is kept").doesNotContain(opsToken.group(1));
    // an editor of project mobile only (for e2e/projects.e2e.mjs)
    Process dev = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        SharedDatabaseJarIT.JAR.toString(), "users", "add", "mobile-dev", "--project", "mobile", "--data-dir", dir.resolve("data").toString())
        .redirectErrorStream(true).start();
    String devAdded = new String(dev.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(dev.waitFor(60, TimeUnit.SECONDS) && dev.exitValue() == 0).as(devAdded).isTrue();
    Matcher devToken = Pattern.compile("(?m)^token: (pk_\\S+)$").matcher(devAdded);
    assertThat(devToken.find()).as(devAdded).isTrue();
    // production's deploy token (for e2e/governance.e2e.mjs)
    Process secret = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        SharedDatabaseJarIT.JAR.toString(), "secrets", "set", "DEPLOY_TOKEN", "--environment", "production", "--data-dir",
        dir.resolve("data").toString()).redirectErrorStream(true).start();
    secret.getOutputStream().write("pr0d-t0ken".getBytes(StandardCharsets.UTF_8));
    secret.getOutputStream().close();
    String stored = new String(secret.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(secret.waitFor(60, TimeUnit.SECONDS) && secret.exitValue() == 0).as(stored).isTrue();
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        SharedDatabaseJarIT.JAR.toString(), "serve", "--port", "0", "--path", "/ci", "--data-dir", dir.resolve("data").toString(),
        "--pipelines", Files.createDirectories(dir.resolve("none")).toString(), "--token", "e2e-token", "--project", "mobile")
        .redirectErrorStream(true).start();
    StringBuilder said = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String page = null;
      for (String line = lines.readLine(); line != null && page == null; line = lines.readLine()) {
        said.append(line).append('\n');
        Matcher m = Pattern.compile("serving on (http://\\S+/ci/) ").matcher(line);
        if (m.find()) page = m.group(1);
      }
      assertThat(page).as(said.toString()).isNotNull();
      CompletableFuture.runAsync(() -> lines.lines().forEach(l -> said.append(l).append('\n')));
      String runPage = e2e("run-page.e2e.mjs", page);
      assertThat(runPage).contains("a wrong token is refused at sign-in; a run link in a new tab opens without signing in again",
          "a non-approver sees the waiting banner without Approve", "a refused approval is a dismissible message",
          "the failed stage's log opened by itself", "the pipelines page shows the last run",
          "the run list shows every run and filters by status", "Re-run all starts run #2; previous and next lead between the runs",
          "Re-run failed (traced) starts run #3 with build and the approved deploy kept, verify run again with its commands logged",
          "stages a job generated are drawn in the execution graph with their needs");
      String work = e2e("designer-work.e2e.mjs", page);
      assertThat(work).contains("a new canvas opens without a red error, and leaving it untouched asks nothing", "leaving with unsaved changes asks; staying keeps the stage",
          "after saving a new pipeline, Designer opens a new one",
          "the code view of a saved pipeline shows no (stale) version:", "a message appears over the canvas without moving it",
          "applying YAML with an unknown need keeps it, lists and marks it at its line",
          "line numbers stay beside their lines when the code scrolls", "JSON and HCL tabs; Download gives coded.hcl; Copy copies",
          "a pasted GitHub Actions workflow is offered for import, and imported",
          "a pipeline with problems is saved as a draft, opens again after a reload, is listed as a draft and cannot run",
          "letting go on a stage's body connects it", "letting go of a line over nothing says how to connect");
      String analytics = e2e("analytics.e2e.mjs", page);
      assertThat(analytics).contains("the 30-day trend is three charts on their own axes",
          "the bottleneck is build, with its share of the critical path; no suggestion to drop deploy-after-test",
          "rates and a budget set on the page are kept, and the cost follows them",
          "with budgets enforced a spent budget refuses the next run", "the month's cost is allocated by pipeline",
          "the flaky test is listed: app.Auth.login");
      String people = e2e("identities.e2e.mjs", page, opsToken.group(1));
      assertThat(people).contains("an approver no one can sign in as ('nobody') is flagged on the stage; group 'ops' is not",
          "ops-lead signs in with a token of their own, approves (admin is not offered to), and the node says \"approved by ops-lead\"",
          "the audit log shows the approval, the user added by the CLI and ops-lead's refused look (admins only)");
      String governance = e2e("governance.e2e.mjs", page, opsToken.group(1));
      assertThat(governance).contains("the team lead sets a coverage gate", "the team lead defines production on the Environments page",
          "the feature branch's run is refused at production", "waits for ops, ops-lead approves, and it deploys with production's",
          "the deployment history shows");
      String projects = e2e("projects.e2e.mjs", page, devToken.group(1));
      assertThat(projects).contains("the admin switches to project mobile, stays signed in, and sees mobile's pipelines only",
          "mobile-dev sees only project mobile; the default project does not let them in");
      String notified = e2e("notifications.e2e.mjs", page);
      assertThat(notified).contains("the run page lists the run's notifications: Notifications: webhook (failed) sent");
      String logs = e2e("logs.e2e.mjs", page);
      assertThat(logs).contains("matrix lines are labelled by job (os=linux, os=mac) and the job filter shows only os=mac",
          "a step folds under its ▶ line (\"2 lines hidden\") and unfolds", "timestamps in the viewer's zone (Asia/Tokyo");
      String a11y = e2e("a11y.e2e.mjs", page);
      assertThat(a11y).contains("accessibility scan of 12 pages: 0 serious or critical violations");
      String big = e2e("big-run.e2e.mjs", page);
      assertThat(big).contains("the 200-stage run is usable in", "\"only problems\" lists s157", "finding \"s19\" lists s19 and s190–s199");
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Runs one e2e script against the server at {@code page}; its output, after asserting it exited 0. */
  private static String e2e(String script, String page, String... more) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("node", "e2e/" + script, page, "e2e-token", OUT.toString()));
    command.addAll(List.of(more));
    Process node = new ProcessBuilder(command).directory(FRONTEND.toFile())
        .redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println(output);
    assertThat(node.exitValue()).as(script + ":\n" + output).isZero();
    return output;
  }
}
