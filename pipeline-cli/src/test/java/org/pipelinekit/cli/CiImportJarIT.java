package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI files of other systems, imported and run by the shaded jar with the local runner: the fixtures the project writes in
 * the shapes of real ones (pipeline-import's src/test/resources/ci-fixtures) always, and real files from the shared corpus
 * (-Dpipelinekit.corpus or ../../shared/corpus) as an extra check when it is there. Each runs in a workspace standing in
 * for its repository's checkout (the files its steps touch); the steps themselves need only tools on this machine.
 */
class CiImportJarIT {
  private static final Path JAR = Path.of("target/pipelinekit.jar");
  /** CI files the project writes itself, in the shapes of real ones (pipeline-import's test resources). */
  private static final Path FIXTURES = Path.of("../pipeline-import/src/test/resources/ci-fixtures");

  private record Result(int exit, String out, String err) {}

  /** The shared corpus of real CI files, for the extra check; the test is skipped, saying so, when it is not there. */
  private static Path corpus() {
    Path corpus = Path.of(System.getProperty("pipelinekit.corpus", "../../shared/corpus"));
    Assumptions.assumeTrue(Files.isRegularFile(corpus.resolve("MANIFEST.tsv")), "no shared corpus at "
        + corpus.toAbsolutePath().normalize() + " (-Dpipelinekit.corpus=DIR names one): the real-file check is skipped; the fixtures ran");
    return corpus;
  }

  private static Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    if (args[0].equals("run") && !List.of(args).contains("--data-dir")) { // a failed run keeps its logs: here, not in the system's temp
      cmd.addAll(List.of("--data-dir", Files.createTempDirectory(Files.createDirectories(Path.of("target/it-runs")), "run").toString()));
    }
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    var err = new java.util.concurrent.CompletableFuture<byte[]>();
    Thread t = new Thread(() -> {
      try {
        err.complete(p.getErrorStream().readAllBytes());
      } catch (java.io.IOException e) {
        err.completeExceptionally(e);
      }
    });
    t.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
  }

  /** A reusable build workflow: its run steps copy the licence and record package names through $GITHUB_ENV. */
  @Test
  void aReusableGitHubActionsWorkflowRunsGreen(@TempDir Path ws) throws Exception {
    Files.writeString(ws.resolve("LICENSE"), "Business Source License 1.1\n");
    Result r = run("run", "--from", "gha", FIXTURES.resolve("gha/build-cli.yml").toString(),
        "--workspace", ws.toString(), "--branch", "main", "-p", "cgo-enabled=0", "-p", "goos=linux", "-p", "goarch=amd64",
        "-p", "product-version=1.9.0", "-p", "ld-flags=-s -w", "-p", "runson=ubuntu-latest");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("(gha): ").contains("mapped").contains("unsupported  permissions (line 35, column 1)");
    assertThat(r.out()).contains("✓ build success").contains("SUCCEEDED")
        .contains("action example-org/actions-go-build@5f1e8d3a2b9c4d7e6f0a1b2c3d4e5f6a7b8c9d0e is not run locally");
    // the copy of the licence (cp fails without it) and the package names ran in the job's own workspace: the given one is not written
    assertThat(r.out()).contains("[build] ▶ Copy license file to config_dir", "[build] ▶ Determine package file names");
    assertThat(ws.resolve(".release")).doesNotExist();
    assertThat(ws.resolve(".github-env")).doesNotExist();

    // the steps' if: inputs.goos == 'linux' guard their commands
    Path mac = Files.createDirectories(ws.resolve("darwin"));
    Files.writeString(mac.resolve("LICENSE"), "Business Source License 1.1\n");
    Result darwin = run("run", "--from", "gha", FIXTURES.resolve("gha/build-cli.yml").toString(),
        "--workspace", mac.toString(), "-p", "cgo-enabled=0", "-p", "goos=darwin", "-p", "goarch=arm64",
        "-p", "product-version=1.9.0", "-p", "ld-flags=-s", "-p", "runson=macos-latest");
    assertThat(darwin.exit()).as(darwin.out() + darwin.err()).isZero();
    assertThat(darwin.out()).contains("skipped: params.goos == linux is false");
    assertThat(mac.resolve(".release")).doesNotExist();
  }

  /** A GitLab file's pages job (after its needs on jobs generated elsewhere are reported and dropped). */
  @Test
  void aGitLabJobRunsGreen(@TempDir Path ws) throws Exception {
    Files.createDirectories(ws.resolve("docs-html"));
    Files.writeString(ws.resolve("docs-html/index.html"), "<h1>Widget</h1>\n");
    Path file = FIXTURES.resolve("gitlab/pages.gitlab-ci.yml");
    Result r = run("run", "--from", "gitlab", file.toString(), "--stage", "pages", "--workspace", ws.toString(), "--branch", "main");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("✓ pages success").contains("SUCCEEDED");
    assertThat(r.out()).contains("[pages] artifact pages: 1 file"); // public/, made from docs-html in the job's own workspace
    assertThat(ws.resolve("public")).as("the given workspace is copied, never written").doesNotExist();

    Result report = run("import", file.toString(), "--to", "json");
    assertThat(report.exit()).isZero();
    assertThat(report.err()).contains("approximated pages.needs (line 39, column 3): needs on jobs not in this file are dropped");
  }

  /** A whole GitLab file: its one job triggers a downstream project, which a local run announces. */
  @Test
  void aWholeGitLabFileRunsGreen(@TempDir Path ws) throws Exception {
    Result r = run("run", FIXTURES.resolve("gitlab/deploy-trigger.gitlab-ci.yml").toString(), "--workspace", ws.toString(), "--branch", "main");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("the downstream project example-org/ci-cd/widget-infra is not started locally");
  }

  /** The extra check on real files: hashicorp/terraform's build workflow and gitlab-runner's deploy file, as above. */
  @Test
  void realFilesFromTheSharedCorpusRunGreen(@TempDir Path ws) throws Exception {
    Path corpus = corpus();
    Files.writeString(ws.resolve("LICENSE"), "Business Source License 1.1\n");
    Result r = run("run", "--from", "gha", corpus.resolve("gha/hashicorp__terraform__.github_workflows_build-terraform-cli.yml").toString(),
        "--workspace", ws.toString(), "--branch", "main", "-p", "cgo-enabled=0", "-p", "goos=linux", "-p", "goarch=amd64",
        "-p", "product-version=1.9.0", "-p", "ld-flags=-s -w", "-p", "runson=ubuntu-latest");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("✓ build success", "[build] ▶ Copy license file to config_dir");
    Result deploy = run("run", corpus.resolve("gitlab/gitlabhq__gitlab-runner__.gitlab_ci_deploy.gitlab-ci.yml").toString(),
        "--workspace", ws.toString(), "--branch", "main");
    assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
    assertThat(deploy.out()).contains("downstream project gitlab-org/ci-cd/runner-tools/runner-kubernetes-infra is not started locally");
  }

  @Test
  void importPrintsThePipelineAndTheReport_andBadFilesGetTheirPlace(@TempDir Path dir) throws Exception {
    Result ok = run("import", "--from", "bitbucket", FIXTURES.resolve("bitbucket/shop-integration.bitbucket-pipelines.yml").toString(),
        "--to", "kotlin", "-q");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("pipeline(\"shop-integration-bitbucket-pipelines\"");
    assertThat(ok.err().lines().findFirst().orElse("")).matches(".*\\(bitbucket\\): \\d+ mapped, \\d+ approximated, \\d+ unsupported");

    Result bad = run("import", "--from", "bitbucket", FIXTURES.resolve("bitbucket/malformed.bitbucket-pipelines.yml").toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("malformed.bitbucket-pipelines.yml:12:17: malformed YAML: a '- ' item cannot follow 'key:' on the same"
        + " line; put it on the next line, indented under the key").doesNotContain("\tat ");

    Result unknown = run("import", "--from", "travis", FIXTURES.resolve("gha/publish.yml").toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("'travis' is not an import format; use gha, gitlab, bitbucket or jenkins");

    Path workflow = Files.createDirectories(dir.resolve(".github/workflows")).resolve("ci.yml");
    Files.writeString(workflow, "on: push\njobs:\n  hello:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi from a workflow\n");
    Result byName = run("run", workflow.toString(), "--workspace", dir.toString());
    assertThat(byName.exit()).as(byName.err()).isZero();
    assertThat(byName.out()).contains("hi from a workflow");

    Result gha = run("export", "../samples/pipelines/parallel.yaml", "-f", "gha");
    assertThat(gha.exit()).as(gha.err()).isZero();
    assertThat(gha.out()).contains("jobs:").contains("runs-on: ubuntu-latest");
  }

  /**
   * Without --workspace a workflow runs in a copy of its repository as it is now: edits and untracked files included,
   * ignored ones not, git working; the original is left as it was.
   */
  @Test
  void aWorkflowRunsInACopyOfItsRepository(@TempDir Path repo) throws Exception {
    Path workflow = Files.createDirectories(repo.resolve(".github/workflows")).resolve("ci.yml");
    Files.writeString(workflow, """
        on: push
        jobs:
          check:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  echo "app is $(cat src/app.txt)"
                  test -f notes.txt
                  test ! -e build.log
                  echo "commits: $(git log --oneline | wc -l)"
                  git status --porcelain
                  echo made > output.txt
        """);
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(repo.resolve("src/app.txt"), "v1\n");
    Files.writeString(repo.resolve(".gitignore"), "build.log\n");
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "-c", "user.email=e2e@example.org", "-c", "user.name=e2e", "commit", "-q", "-m", "one");
    Files.writeString(repo.resolve("src/app.txt"), "v2\n");
    Files.writeString(repo.resolve("notes.txt"), "untracked\n");
    Files.writeString(repo.resolve("build.log"), "ignored\n");

    Result r = run("run", workflow.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("workspace: a copy of " + repo.toRealPath()).contains("git history shared")
        .contains("app is v2").contains("commits: 1").contains(" M src/app.txt").contains("?? notes.txt");
    assertThat(repo.resolve("output.txt")).doesNotExist();
    assertThat(repo.resolve("src/app.txt")).hasContent("v2");
  }

  /** A workflow's actions/cache is kept in --cache-dir for the next run; upload-artifact of a directory stores its files. */
  @Test
  void cachesLastAcrossRunsAndArtifactsAreStored(@TempDir Path dir) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("lock.txt"), "lock 1\n");
    Path workflow = repo.resolve("build.yml");
    Files.writeString(workflow, """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/cache@v4
                with:
                  path: deps
                  key: deps-${{ hashFiles('lock.txt') }}
              - run: |
                  if [ -f deps/lib.txt ]; then echo "deps from cache"; else mkdir -p deps && echo lib > deps/lib.txt && echo "deps fetched"; fi
                  mkdir -p dist/lib && echo app > dist/app.bin && echo lib > dist/lib/a.so
              - uses: actions/upload-artifact@v4
                with:
                  name: app
                  path: dist/
        """);
    String cache = dir.resolve("cache").toString();
    Result first = run("run", "--from", "gha", workflow.toString(), "--cache-dir", cache);
    assertThat(first.exit()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).contains("cache miss: deps-").contains("deps fetched").contains("artifact app: 2 files");
    Result second = run("run", "--from", "gha", workflow.toString(), "--cache-dir", cache);
    assertThat(second.exit()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("cache hit").contains("deps from cache");

    // without --from, the file is read as ours: the errors say so, and a note says what it looks like
    Result unsaid = run("run", workflow.toString());
    assertThat(unsaid.exit()).isEqualTo(1);
    assertThat(unsaid.err()).contains("unknown key 'jobs'")
        .contains("note: this reads like a GitHub Actions workflow; read it as one with --from gha");
  }

  /** Step outputs: later steps read them in commands, conditions and env; job outputs carry them to the next job. */
  @Test
  void stepOutputsFlowToLaterStepsAndJobs(@TempDir Path dir) throws Exception {
    Path workflow = dir.resolve("outputs.yml");
    Files.writeString(workflow, """
        on: push
        jobs:
          version:
            runs-on: ubuntu-latest
            outputs:
              tag: ${{ steps.v.outputs.tag }}
              notes: "release ${{ steps.v.outputs.tag }} of ${{ steps.v.outputs.name }}"
            steps:
              - id: v
                run: |
                  echo "tag=v1.2.$((1+2))" >> "$GITHUB_OUTPUT"
                  echo 'name=it "quoted" $HOME' >> "$GITHUB_OUTPUT"
              - run: echo "the tag is ${{ steps.v.outputs.tag }}"
              - if: steps.v.outputs.tag == 'v1.2.3'
                run: echo "guarded by the step output"
              - if: steps.v.outputs.tag != 'v1.2.3'
                run: echo "never printed"
              - env:
                  NAME: ${{ steps.v.outputs.name }}
                run: echo "name from env = $NAME"
          use:
            needs: version
            runs-on: ubuntu-latest
            steps:
              - run: echo "got ${{ needs.version.outputs.tag }}"
              - env:
                  NOTES: ${{ needs.version.outputs.notes }}
                run: echo "notes = $NOTES"
        """);
    Result r = run("run", "--from", "gha", workflow.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("0 unsupported");
    assertThat(r.out()).contains("the tag is v1.2.3").contains("[version] guarded by the step output").doesNotContain("[version] never printed")
        .contains("skipped: outputs.tag != v1.2.3 is false")
        .contains("name from env = it \"quoted\" $HOME").contains("got v1.2.3").contains("notes = release v1.2.3 of it \"quoted\" $HOME");
  }

  /** GitLab rules decide in order (when: never keeps a job out), and a prefilled variable of the run form is a -p parameter. */
  @Test
  void gitLabRulesAndRunFormVariables(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(".gitlab-ci.yml");
    Files.writeString(file, """
        variables:
          TARGET:
            value: staging
            options: [staging, production]
            description: Where to deploy
        stages: [build, deploy]
        build:
          stage: build
          script: [echo "building for $TARGET"]
        deploy:
          stage: deploy
          script: [echo "deploying to $TARGET"]
          rules:
            - if: $TARGET == "production" && $CI_COMMIT_BRANCH != "main"
              when: never
            - if: $CI_COMMIT_BRANCH
        """);
    Result staging = run("run", file.toString(), "--branch", "feature");
    assertThat(staging.exit()).as(staging.out() + staging.err()).isZero();
    assertThat(staging.out()).contains("building for staging").contains("deploying to staging");
    Result refused = run("run", file.toString(), "--branch", "feature", "-p", "TARGET=production");
    assertThat(refused.exit()).as(refused.out() + refused.err()).isZero();
    assertThat(refused.out()).contains("building for production").doesNotContain("deploying to").contains("↷ deploy skipped");
    Result main = run("run", file.toString(), "--branch", "main", "-p", "TARGET=production");
    assertThat(main.out()).contains("deploying to production");
    Result wrong = run("run", file.toString(), "-p", "TARGET=moon");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("TARGET").contains("staging, production");
  }

  /** A manual job waits for approval: --approve gives it from the command line; without a terminal it is rejected, saying how. */
  @Test
  void manualJobsRunWhenStarted_andBlockingOnesAreApprovedFromTheCommandLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(".gitlab-ci.yml");
    Files.writeString(file, """
        build:
          script: [echo built]
        deploy:
          needs: [build]
          script: [echo deployed]
          when: manual
        """);
    // GitLab's manual job: not run unless someone starts it, and the pipeline passes without it
    Result unattended = run("run", file.toString());
    assertThat(unattended.exit()).as(unattended.out() + unattended.err()).isZero();
    assertThat(unattended.out()).doesNotContain("[deploy] deployed").contains("SUCCEEDED");
    Result started = run("run", file.toString(), "-p", "run_deploy=true");
    assertThat(started.exit()).as(started.out() + started.err()).isZero();
    assertThat(started.out()).contains("[deploy] deployed");
    // a blocking manual job (allow_failure: false) holds the pipeline until it is approved
    Files.writeString(file, Files.readString(file) + "  allow_failure: false\n");
    Result waiting = run("run", file.toString());
    assertThat(waiting.exit()).isEqualTo(1);
    assertThat(waiting.out()).contains("⏸ deploy waits for approval by [maintainers]")
        .contains("deploy failure: rejected by").contains("not approved on the command line (run with --approve deploy)");
    Result approved = run("run", file.toString(), "--approve", "deploy");
    assertThat(approved.exit()).as(approved.out() + approved.err()).isZero();
    assertThat(approved.out()).contains("approved by").contains("[deploy] deployed").contains("SUCCEEDED");
    Result unknown = run("run", file.toString(), "--approve", "deplyo");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("--approve names no stage [deplyo]; the stages are [build, deploy]");
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git " + args[0] + ": " + out).isTrue();
  }
}
