package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private static final Path SAMPLES = Path.of("../samples/pipelines");

  @Test
  void validate_acceptsAValidPipeline() {
    assertThat(run("validate", SAMPLES.resolve("java-ci.yaml").toString())).isZero();
    assertThat(out.toString()).contains("pipeline 'java-ci' is valid (4 stages)");
  }

  @Test
  void validate_printsEveryProblemAndFails() {
    assertThat(run("validate", SAMPLES.resolve("broken.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("error CYCLE at stages.test.needs[1]: the needs form a cycle: test → deploy → test")
        .contains("error NEEDS_UNKNOWN at stages.test.needs[0]").contains("did you mean 'success'?");
  }

  /** Each sample either becomes a workflow that reads only GitHub's contexts, or is refused with every reason at its path. */
  @Test
  void exportGha_writesEveryValidSampleOrSaysExactlyWhy() throws IOException {
    try (var files = Files.list(SAMPLES)) {
      for (Path sample : files.filter(Files::isRegularFile).sorted().toList()) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        int exit = run("export", "-f", "gha", sample.toString());
        if (sample.endsWith("broken.yaml")) {
          assertThat(exit).isEqualTo(Main.INVALID);
          assertThat(err.toString()).contains("error CYCLE at stages.test.needs[1]").contains("not exported: fix the errors above first");
          assertThat(out.toString()).isEmpty();
        } else if (exit == 0) {
          assertThat(out.toString()).as(sample.toString()).contains("jobs:").doesNotContain("execution.").doesNotContain("params.");
        } else {
          assertThat(exit).as(sample + ": " + err).isEqualTo(Main.INVALID);
          assertThat(err.toString()).as(sample.toString()).contains("does not fit a GitHub Actions workflow:\n  ").doesNotContain("\tat ");
        }
      }
    }
    out.getBuffer().setLength(0);
    assertThat(run("export", "-f", "gha", SAMPLES.resolve("parallel.yaml").toString())).isZero();
    assertThat(out.toString()).contains("1.0.${{ github.run_number }}");
  }

  @Test
  void validate_reportsEveryPhaseInOnePass(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "id: x\nstages:\n  - id: a\n    timeout: 0s\n    needs: [nope]\n    steps: [make]\n");
    assertThat(run("validate", file.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).isEqualTo(file + ":4:14: error: stages.a.timeout: stage a timeout must be longer than zero, got 0s\n"
        + file + ": error NEEDS_UNKNOWN at stages.a.needs[0]: stage 'a' needs 'nope', which is not a stage\n"
        + "    hint: name an existing stage or remove the need\n");
  }

  @Test
  void run_dryRun_ofTheDeploySample_onMainAndOnAFeatureBranch() {
    String deploy = SAMPLES.resolve("deploy.pipeline.kts").toString();
    assertThat(run("run", deploy, "--dry-run", "--event", "push", "--branch", "main", "-p", "version=1.8.2")).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("dry run of deploy (push on branch main, version=1.8.2): nothing was started\n4 of 4 stages run\n")
        .contains("▶ production  after smoke-test; when branch == 'main' && success() (true); once approved by team-leads or sre"
            + " (approved in this dry run)\n    environment production (https://orders.example.org)\n    1. deploy  (in-process, not run)\n"
            + "       with image=registry.example.org/acme/orders:1.8.2 name=orders namespace=production replicas=6\n"
            + "       env REGION=eu-west-1\n")
        .contains("▶ smoke-test  after staging; retried up to 2 times\n")
        .contains("<secret SLACK_WEBHOOK>").doesNotContain("workspace:");
    out.getBuffer().setLength(0);
    assertThat(run("run", deploy, "--dry-run", "--event", "push", "--branch", "feature/faster-checkout", "-p", "version=1.8.2",
        "-p", "region=us-east-1")).isZero();
    assertThat(out.toString())
        .contains("3 of 4 stages run; production skipped because condition `branch == 'main' && success()` is false\n")
        .contains("⊘ production  skipped: condition `branch == 'main' && success()` is false\n")
        .contains("env REGION=us-east-1");
  }

  /** The README's dry-run examples are what the command prints. */
  @Test
  void run_dryRun_printsWhatTheReadmeShows() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("```console\n\\$ scripts/run\\.sh (run \\S+ --dry-run[^\n]*)\n(.*?)```",
        java.util.regex.Pattern.DOTALL).matcher(readme);
    int blocks = 0;
    while (m.find()) {
      blocks++;
      out.getBuffer().setLength(0);
      String[] args = m.group(1).replace("samples/pipelines/", SAMPLES + "/").split(" ");
      assertThat(run(args)).as(m.group(1) + ": " + err).isZero();
      assertThat(out.toString()).as(m.group(1)).isEqualTo(m.group(2));
    }
    assertThat(blocks).isEqualTo(2);
  }

  @Test
  void run_dryRun_startsNoProcess_andExpandsTheMatrix(@TempDir Path dir) throws IOException {
    Path marker = dir.resolve("marker");
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "id: p\nstages:\n  - id: a\n    matrix: { axes: { os: [linux, macos] } }\n    steps:\n      - run: touch "
        + marker + "-${{ matrix.os }}\n");
    assertThat(run("run", file.toString(), "--dry-run", "--branch", "main")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("    job a[os=linux]\n      1. touch " + marker + "-linux\n")
        .contains("    job a[os=macos]\n      1. touch " + marker + "-macos\n");
    assertThat(dir.resolve("marker-linux")).doesNotExist();
    assertThat(dir.resolve("marker-macos")).doesNotExist();
  }

  @Test
  void run_namesTheFlagForAMissingRequiredParameter_beforeAnythingStarts() {
    assertThat(run("run", SAMPLES.resolve("deploy.pipeline.kts").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("error: parameter 'version' is required: add -p version=VALUE (Image tag to deploy, e.g. 1.8.2)");
    assertThat(out.toString()).doesNotContain("workspace:");
  }

  @Test
  void run_withARelativeDataDirectory_givesStepsPathsThatWorkInTheirOwnDirectories(@TempDir Path dir) throws IOException {
    Path wf = Files.createDirectories(dir.resolve(".github/workflows")).resolve("ci.yml");
    Files.writeString(wf, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        + "      - run: echo \"FOO=from-env\" >> \"$GITHUB_ENV\"\n      - run: echo \"got $FOO\"\n");
    String relative = Path.of("").toAbsolutePath().relativize(dir.resolve("data")).toString();
    assertThat(run("run", wf.toString(), "--workspace", dir.toString(), "--data-dir", relative)).as(out + "" + err).isZero();
    assertThat(out.toString()).contains("[a] got from-env");
  }

  @Test
  void run_ofAWorkflowWithARelativeDataDirectory_copiesItsRepository(@TempDir Path dir) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Path wf = Files.createDirectories(repo.resolve(".github/workflows")).resolve("ci.yml");
    Files.writeString(wf, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: test -f .github/workflows/ci.yml && echo copied\n");
    Process init = new ProcessBuilder("git", "init", "-q", repo.toString()).redirectErrorStream(true).start();
    assertThat(init.waitFor()).isZero();
    Path relative = Files.createTempDirectory(Files.createDirectories(Path.of("target/main-test-runs")), "data"); // (below the module)
    assertThat(relative.isAbsolute()).isFalse();
    assertThat(run("run", wf.toString(), "--data-dir", relative.toString())).as(out + "" + err).isZero();
    assertThat(out.toString()).contains("[a] copied");
  }

  @Test
  void validate_printsFileLineAndColumnForMalformedFiles(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "id: x\nstages:\n  - id: a\n    timeout: soon\n    steps: [make]\n");
    assertThat(run("validate", file.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).isEqualTo(file + ":4:14: error: stages.a.timeout: 'soon' is not a duration;"
        + " write it like 90s, 20m, 2h, 30d or 1h30m\n");
  }

  @Test
  void validate_namesMissingFiles() {
    assertThat(run("validate", "nope.yaml")).isEqualTo(Main.INVALID);
    assertThat(err.toString()).isEqualTo("nope.yaml: no such file\n");
  }

  @Test
  void runSaysWhatIsWrongWithAFileOrDirectoryItCannotUse(@TempDir Path dir) throws IOException {
    assertThat(run("validate", dir.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).isEqualTo(dir + ": is a directory; name a pipeline file in it\n");
    err.getBuffer().setLength(0);
    Path blocker = Files.writeString(dir.resolve("a-file"), "x");
    assertThat(run("run", SAMPLES.resolve("parallel.yaml").toString(), "--data-dir", blocker.resolve("data").toString()))
        .isEqualTo(Main.INVALID);
    assertThat(err.toString()).startsWith("error: ").contains(blocker.resolve("data").toString()).doesNotContain("\tat ")
        .doesNotEndWith(blocker.resolve("data") + "\n");
  }

  @Test
  void export_printsCanonicalText() throws IOException {
    assertThat(run("export", "-f", "json", SAMPLES.resolve("java-ci.yaml").toString())).isZero();
    assertThat(PipelineFormat.JSON.read(out.toString())).isEqualTo(PipelineFormat.read(SAMPLES.resolve("java-ci.yaml")));
  }

  @Test
  void export_refusesUnknownFormats() {
    assertThat(run("export", "-f", "toml", SAMPLES.resolve("java-ci.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("unknown format 'toml'; use one of yaml, json, hcl");
  }

  @Test
  void plan_showsWavesAndTheCriticalPath() {
    assertThat(run("plan", SAMPLES.resolve("parallel.yaml").toString())).isZero();
    assertThat(out.toString()).contains("pipeline parallel: 5 stages, 7 jobs")
        .contains("  unit (after checkout) × 3 matrix jobs")
        .contains("  package (after lint, unit) [redundant needs: checkout]");
  }

  @Test
  void run_runsThePipelineAndStreamsProgressAndLogs(@TempDir Path dir) {
    assertThat(run("run", SAMPLES.resolve("parallel.yaml").toString(), "--branch", "main", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString()).contains("▶ checkout", "  [unit[os=linux, jdk=17]] unit linux 17", "✓ publish success",
        "publishing 1.0.1", "SUCCEEDED in ");
  }

  @Test
  void run_takesParametersAndFailsWithExitCodeOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "id: p\nparameters: [{ name: code, type: number, default: 0 }]\n"
        + "stages:\n  - id: a\n    steps: [{ run: 'echo code ${{ params.code }}; exit ${{ params.code }}' }]\n"
        + "  - id: b\n    needs: [a]\n    steps: [{ run: echo never }]\n");
    assertThat(run("run", file.toString(), "-p", "code=3", "--data-dir", dir.resolve("d").toString())).isEqualTo(Main.INVALID);
    assertThat(out.toString()).contains("  [a] code 3", "✗ a failure", "↷ b skipped: a needed stage did not succeed: a (failure)",
        "FAILED in ");
    out.getBuffer().setLength(0);
    assertThat(run("run", file.toString(), "-p", "code=x", "--data-dir", dir.resolve("e").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("parameter 'code' must be a number, got x");
  }

  @Test
  void secrets_areReadFromStdinOrAFile_masked_andAnUnknownOneIsRefusedBeforeTheRun(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "id: p\nstages:\n  - id: a\n    steps: [{ run: 'echo token=${{ secrets.DEPLOY_TOKEN }}' }]\n");
    Path data = dir.resolve("d");
    assertThat(run("run", file.toString(), "--data-dir", data.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("there is no secret 'DEPLOY_TOKEN'", "pipelinekit secrets set DEPLOY_TOKEN");

    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("from-stdin-value\n".getBytes()));
      assertThat(run("secrets", "set", "DEPLOY_TOKEN", "--data-dir", data.toString())).isZero();
    } finally {
      System.setIn(stdin);
    }
    assertThat(run("secrets", "list", "--data-dir", data.toString())).isZero();
    assertThat(out.toString()).contains("DEPLOY_TOKEN").doesNotContain("from-stdin-value");
    // who set it is in the data directory's audit log; the value is not
    java.util.List<org.pipelinekit.core.spi.AuditLog.Entry> audit = org.pipelinekit.core.spi.AuditLog.inFile(data.resolve("audit/audit.jsonl"))
        .read(org.pipelinekit.core.spi.AuditLog.Query.ALL);
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.actor()).isEqualTo("cli:" + System.getProperty("user.name"));
      assertThat(e.action() + " " + e.target()).isEqualTo("secret.write secret/DEPLOY_TOKEN");
    });
    assertThat(Files.readString(data.resolve("audit/audit.jsonl"))).doesNotContain("from-stdin-value");
    assertThat(run("run", file.toString(), "--data-dir", data.toString())).isZero();
    assertThat(out.toString()).contains("  [a] token=***").doesNotContain("from-stdin-value");

    Path env = dir.resolve("secrets.env");
    Files.writeString(env, "# for the test\nDEPLOY_TOKEN=\"from-the-file\"\n");
    assertThat(run("run", file.toString(), "--secrets-file", env.toString(), "--data-dir", dir.resolve("e").toString())).isZero();
    assertThat(out.toString()).doesNotContain("from-the-file");
    Files.writeString(env, "DEPLOY_TOKEN from-a-broken-line\n");
    assertThat(run("run", file.toString(), "--secrets-file", env.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("secrets.env:1: expected NAME=value").doesNotContain("from-a-broken-line");
  }

  @Test
  void everySubcommandsHelp_exitsZero_andShowsItsOptions() {
    for (String[] args : new String[][] {{"run", "--help"}, {"validate", "--help"}, {"plan", "--help"}, {"export", "--help"},
        {"import", "--help"}, {"serve", "--help"}, {"secrets", "set", "--help"}, {"secrets", "list", "--help"}, {"users", "add", "--help"}, {"keys", "generate", "--help"}, {"sign", "--help"}, {"verify", "--help"},
        {"users", "list", "--help"}}) {
      out.getBuffer().setLength(0);
      assertThat(run(args)).as(String.join(" ", args)).isZero();
      assertThat(out.toString()).as(String.join(" ", args)).contains("Usage: pipelinekit " + args[0]).doesNotContain("null");
    }
    out.getBuffer().setLength(0);
    run("run", "--help");
    assertThat(out.toString()).contains("read as ${{ branch }}").contains("read as ${{ secrets.NAME }}");
    assertThat(err.toString()).as("picocli's own warnings").doesNotContain("WARN");
  }

  /** Only the named subcommand is built; the names Main keeps are the commands' own, and help still lists them all. */
  @Test
  void theSubcommandsByName_areTheCommandsOwnNames_andHelpListsThemAll() {
    for (var e : Main.COMMANDS.entrySet()) {
      assertThat(e.getValue().getAnnotation(picocli.CommandLine.Command.class).name()).isEqualTo(e.getKey());
    }
    for (String[] args : new String[][] {{"--help"}, {"help"}, {}}) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      run(args);
      String shown = out.toString() + err.toString();
      for (String name : Main.COMMANDS.keySet()) assertThat(shown).as(String.join(" ", args)).containsPattern("(?m)^  " + name + "\\b");
    }
    // the top level's usage, built from the subcommands' names and descriptions only, is picocli's full one
    picocli.CommandLine full = new picocli.CommandLine(new Main());
    Main.COMMANDS.values().forEach(full::addSubcommand);
    picocli.CommandLine listed = new picocli.CommandLine(new Main());
    Main.listed(listed);
    assertThat(listed.getUsageMessage()).isEqualTo(full.getUsageMessage());
    // and what the jar prints for --help without picocli (rendered at build time) is picocli's, plain and coloured
    assertThat(UsageText.read(UsageText.PLAIN)).as("rendered by pipeline-cli's process-classes phase")
        .isEqualTo(full.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF));
    assertThat(UsageText.read(UsageText.COLOURED)).isEqualTo(full.getUsageMessage(picocli.CommandLine.Help.Ansi.ON));
    out.getBuffer().setLength(0);
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).isEqualTo(full.getUsageMessage());
    out.getBuffer().setLength(0);
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("pipelinekit ");
    out.getBuffer().setLength(0);
    assertThat(run("help", "validate")).isZero();
    assertThat(out.toString()).contains("Usage: pipelinekit validate");
    err.getBuffer().setLength(0);
    assertThat(run("valdiate", "x.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument").contains("validate");
  }

  /** --from, which their help offers, works on plan, export and validate as on run and import. */
  @Test
  void planExportAndValidateReadACiFileWithFrom(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ci.yml");
    Files.writeString(file, "stages: [build, test]\nbuild:\n  stage: build\n  script: [make]\ntest:\n  stage: test\n  script: [make test]\n");
    for (String command : List.of("plan", "export", "validate")) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--from", "gitlab", file.toString())).as(command + ": " + err).isZero();
      assertThat(out.toString()).as(command).contains(command.equals("validate") ? "valid" : "test");
    }
  }

  @Test
  void serve_refusesClusterOptionsWithoutACluster_sayingWhat_andLeavesNothingBehind(@TempDir Path dir) {
    Path data = dir.resolve("data");
    assertThat(run("serve", "--data-dir", data.toString(), "--token", "t", "--label", "docker")).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("error: --label goes with --database and --shared-dir");
    assertThat(run("serve", "--data-dir", data.toString(), "--token", "t", "--max-parallel-jobs", "0")).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("error: --max-parallel-jobs must be 1 or more, got 0");
    assertThat(data).doesNotExist();
  }

  @Test
  void run_usesTheGivenWorkspace(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("input.txt"), "from the project");
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "id: p\nstages:\n  - id: a\n    steps: [{ run: cat input.txt }]\n");
    assertThat(run("run", file.toString(), "--workspace", dir.toString(), "--data-dir", dir.resolve("d").toString())).isZero();
    assertThat(out.toString()).contains("  [a] from the project");
  }

  @Test
  void plan_refusesInvalidPipelines() {
    assertThat(run("plan", SAMPLES.resolve("broken.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("the pipeline has 6 errors");
  }

  // ---- pipelines as code: .pipeline.kts scripts and Java builder source ----

  @Test
  void validate_acceptsKotlinScripts() {
    assertThat(run("validate", SAMPLES.resolve("maven-ci.pipeline.kts").toString(), SAMPLES.resolve("deploy.pipeline.kts").toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("pipeline 'maven-ci' is valid (5 stages)", "pipeline 'deploy' is valid (4 stages)");
  }

  @Test
  void validate_reportsScriptErrorsWithLineAndColumn(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.pipeline.kts"), "pipeline(\"ci\") {\n    stage(\"a\") { retry(\"twice\") }\n}\n");
    assertThat(run("validate", file.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).startsWith(file + ":2:").contains(": error: ").doesNotContain("\tat ");
  }

  @Test
  void validate_namesEachPipelineOfAScriptThatDefinesSeveral(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("two.pipeline.kts"),
        "pipeline(\"a\") { stage(\"x\") { run(\"true\") } }\npipeline(\"b\", draft = true) { stage(\"y\") { needs(\"z\"); run(\"true\") } }\n");
    assertThat(run("validate", file.toString())).isEqualTo(Main.INVALID);
    assertThat(out.toString()).contains(file + " [a]: pipeline 'a' is valid");
    assertThat(err.toString()).contains(file + " [b]: error NEEDS_UNKNOWN");
    err.getBuffer().setLength(0);
    assertThat(run("plan", file.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("the file defines 2 pipelines [a, b]; choose one with --pipeline ID");
    assertThat(run("plan", file.toString(), "--pipeline", "a")).isZero();
  }

  @Test
  void export_writesKotlinAndJavaThatReadBackAsTheSamePipeline(@TempDir Path dir) throws IOException {
    Path yaml = SAMPLES.resolve("java-ci.yaml");
    assertThat(run("export", "--format", "kotlin", yaml.toString())).isZero();
    Path kts = Files.writeString(dir.resolve("java-ci.pipeline.kts"), out.toString());
    out.getBuffer().setLength(0);
    assertThat(run("export", "--format", "java", "--class", "com.acme.ci.JavaCi", yaml.toString())).isZero();
    assertThat(out.toString()).startsWith("package com.acme.ci;").contains("public final class JavaCi {");
    Path java = Files.writeString(dir.resolve("JavaCi.java"), out.toString());
    for (Path code : List.of(kts, java)) {
      out.getBuffer().setLength(0);
      assertThat(run("export", "--format", "json", code.toString())).as(err.toString()).isZero();
      assertThat(PipelineFormat.JSON.read(out.toString())).isEqualTo(PipelineFormat.read(yaml));
    }
  }

  @Test
  void export_turnsAScriptIntoYaml() {
    assertThat(run("export", SAMPLES.resolve("node-monorepo.pipeline.kts").toString())).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("pipelinekit: 1\nid: node-monorepo\n").contains("matrix:", "      - shared\n", "  - id: publish");
  }

  /** The README's monorepo run: install hands node_modules (npm's workspace links included) on to lint, test and build. */
  @Test
  void run_theNodeMonorepoSample_passesOffline(@TempDir Path dir) {
    assertThat(run("run", SAMPLES.resolve("node-monorepo.pipeline.kts").toString(), "--workspace", "../samples/monorepo",
        "--branch", "main", "--data-dir", dir.toString())).as(out + "" + err).isZero();
    assertThat(out.toString()).contains("✓ test success", "would publish @acme/*").contains("SUCCEEDED");
    assertThat(Path.of("../samples/monorepo/node_modules")).as("the sample directory is never written").doesNotExist();
  }

  @Test
  void run_runsAKotlinScript(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("ci.pipeline.kts"), """
        pipeline("ci") {
            stage("hello") { run("echo hello from kotlin") }
            stage("after") { needs("hello"); run("echo after") }
        }
        """);
    assertThat(run("run", file.toString(), "--data-dir", dir.resolve("d").toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("  [hello] hello from kotlin", "✓ after success", "SUCCEEDED in ");
  }

  @Test
  void run_sendsThePipelinesNotificationsAndSaysWhatBecameOfThem(@TempDir Path dir) throws Exception {
    com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    receiver.createContext("/", x -> {
      heard.add(x.getRequestURI().getPath() + " " + new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      x.sendResponseHeaders(x.getRequestURI().getPath().equals("/down") ? 500 : 204, -1);
      x.close();
    });
    receiver.start();
    try {
      String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
      Path file = Files.writeString(dir.resolve("told.yaml"), """
          id: told
          notify:
            - on: [failed]
              webhook: { url: '%s/up' }
            - on: [failed]
              webhook: { url: '%s/down' }
            - on: [succeeded]
              webhook: { url: '%s/never' }
          stages:
            - id: build
              steps: [{ run: 'exit 3' }]
          """.formatted(base, base, base));
      assertThat(run("run", file.toString(), "--data-dir", dir.resolve("data").toString())).isEqualTo(Main.INVALID);
      assertThat(out.toString()).contains("notify webhook (failed): sent");
      assertThat(err.toString()).contains("notify webhook (failed): failed: 127.0.0.1 answered 500 (after 3 attempts)");
      assertThat(heard).anyMatch(h -> h.startsWith("/up ") && h.contains("\"event\":\"failed\"")).noneMatch(h -> h.startsWith("/never"));
    } finally {
      receiver.stop(0);
    }
  }
}
