package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real CI files from the shared corpus, imported and run by the shaded jar with the local runner. Each runs in a
 * workspace standing in for its repository's checkout (the files its steps touch); the steps themselves need only
 * tools on this machine. The corpus is found at -Dpipelinekit.corpus or ../../shared/corpus.
 */
class CiImportJarIT {
  private static final Path JAR = Path.of("target/pipelinekit.jar");
  private static Path corpus;

  private record Result(int exit, String out, String err) {}

  @BeforeAll
  static void findCorpus() {
    corpus = Path.of(System.getProperty("pipelinekit.corpus", "../../shared/corpus"));
    Assumptions.assumeTrue(Files.isRegularFile(corpus.resolve("MANIFEST.tsv")), "no corpus at " + corpus.toAbsolutePath());
  }

  private static Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
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

  /** hashicorp/terraform's build workflow: its run steps copy the licence and record package names through $GITHUB_ENV. */
  @Test
  void aGitHubActionsWorkflowFromTheCorpusRunsGreen(@TempDir Path ws) throws Exception {
    Files.writeString(ws.resolve("LICENSE"), "Business Source License 1.1\n");
    Result r = run("run", "--from", "gha", corpus.resolve("gha/hashicorp__terraform__.github_workflows_build-terraform-cli.yml").toString(),
        "--workspace", ws.toString(), "--branch", "main", "-p", "cgo-enabled=0", "-p", "goos=linux", "-p", "goarch=amd64",
        "-p", "product-version=1.9.0", "-p", "ld-flags=-s -w", "-p", "runson=ubuntu-latest");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("(gha): ").contains("mapped").contains("unsupported  permissions (line 35)");
    assertThat(r.out()).contains("✓ build success").contains("SUCCEEDED")
        .contains("action hashicorp/actions-go-build@dd7ca5a30c402c933e1fe61e0ff7165e5c4ee9e4 is not run locally");
    assertThat(ws.resolve(".release/linux/package/usr/share/doc/terraform/LICENSE.txt")).hasContent("Business Source License 1.1");
    assertThat(Files.readString(ws.resolve(".github-env"))).contains("RPM_PACKAGE=*.rpm").contains("DEB_PACKAGE=*.deb");

    // the steps' if: inputs.goos == 'linux' guard their commands
    Path mac = Files.createDirectories(ws.resolve("darwin"));
    Files.writeString(mac.resolve("LICENSE"), "Business Source License 1.1\n");
    Result darwin = run("run", "--from", "gha", corpus.resolve("gha/hashicorp__terraform__.github_workflows_build-terraform-cli.yml").toString(),
        "--workspace", mac.toString(), "-p", "cgo-enabled=0", "-p", "goos=darwin", "-p", "goarch=arm64",
        "-p", "product-version=1.9.0", "-p", "ld-flags=-s", "-p", "runson=macos-latest");
    assertThat(darwin.exit()).as(darwin.out() + darwin.err()).isZero();
    assertThat(darwin.out()).contains("skipped: params.goos == linux is false");
    assertThat(mac.resolve(".release")).doesNotExist();
  }

  /** NetworkManager's GitLab file: its pages job (after its needs on generated jobs are reported and dropped). */
  @Test
  void aGitLabJobFromTheCorpusRunsGreen(@TempDir Path ws) throws Exception {
    Files.createDirectories(ws.resolve("docs-html"));
    Files.writeString(ws.resolve("docs-html/index.html"), "<h1>NetworkManager</h1>\n");
    Path file = corpus.resolve("gitlab/NetworkManager__NetworkManager__.gitlab-ci.yml");
    Result r = run("run", "--from", "gitlab", file.toString(), "--stage", "pages", "--workspace", ws.toString(), "--branch", "main");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("✓ pages success").contains("SUCCEEDED");
    assertThat(ws.resolve("public/index.html")).hasContent("<h1>NetworkManager</h1>");

    Result report = run("import", file.toString(), "--to", "json");
    assertThat(report.exit()).isZero();
    assertThat(report.err()).contains("approximated pages.needs (line 714): needs on jobs not in this file are dropped");
  }

  /** The whole gitlab-runner deploy file: its one job triggers a downstream project, which a local run announces. */
  @Test
  void aWholeGitLabFileFromTheCorpusRunsGreen(@TempDir Path ws) throws Exception {
    Result r = run("run", corpus.resolve("gitlab/gitlabhq__gitlab-runner__.gitlab_ci_deploy.gitlab-ci.yml").toString(),
        "--workspace", ws.toString(), "--branch", "main");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("downstream project gitlab-org/ci-cd/runner-tools/runner-kubernetes-infra is not started locally");
  }

  @Test
  void importPrintsThePipelineAndTheReport_andBadFilesGetTheirPlace(@TempDir Path dir) throws Exception {
    Result ok = run("import", "--from", "bitbucket", corpus.resolve("bitbucket/00MB__helio-shopify-integration__bitbucket-pipelines.yml").toString(),
        "--to", "kotlin", "-q");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("pipeline(\"00mb__helio-shopify-integration__bitbucket-pipelines\"");
    assertThat(ok.err().lines().findFirst().orElse("")).matches(".*\\(bitbucket\\): \\d+ mapped, \\d+ approximated, \\d+ unsupported");

    Result bad = run("import", "--from", "bitbucket", corpus.resolve("bitbucket/10002856340c__ETL-OpenSearch__bitbucket-pipelines.yml").toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("10002856340c__ETL-OpenSearch__bitbucket-pipelines.yml:15:16: malformed YAML").doesNotContain("\tat ");

    Result unknown = run("import", "--from", "travis", corpus.resolve("gha/encode__httpx__.github_workflows_publish.yml").toString());
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
}
