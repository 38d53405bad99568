package org.pipelinekit.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;

/** Secrets go to runs of protected branches and tags only; the others read them as empty and are told why. */
class ProtectedBranchesTest {
  @TempDir Path dir;

  private static final ProtectedBranches RULES = new ProtectedBranches(List.of("main", "release/**"), List.of("v*"));

  @Test
  void whichRunsGetSecrets() {
    assertThat(RULES.withholds(trigger("push", "main", Map.of()))).isEmpty();
    assertThat(RULES.withholds(trigger("push", "release/2026/12", Map.of()))).isEmpty();
    assertThat(RULES.withholds(trigger("tag", "main", Map.of("tag", "v1.2.0")))).isEmpty();
    assertThat(RULES.withholds(trigger("tag", "main", Map.of("tag", "nightly")))).contains(
        "secrets go only to runs of protected branches [main, release/**] and tags [v*], and this run is for tag nightly");
    assertThat(RULES.withholds(trigger("push", "feature/login", Map.of()))).hasValueSatisfying(
        w -> assertThat(w).endsWith("and this run is for branch feature/login"));
    assertThat(RULES.withholds(trigger("push", "mainline", Map.of()))).isPresent(); // a glob is the whole name
    // a pull request's run is not trusted, whatever its branch is called (a fork can name its branch main)
    assertThat(RULES.withholds(trigger("pull-request", "main", Map.of()))).hasValueSatisfying(
        w -> assertThat(w).endsWith("and this run is of a pull request"));
    assertThat(RULES.withholds(new ExecutionTrigger("manual", Optional.empty(), Optional.empty(), Optional.empty()))).hasValueSatisfying(
        w -> assertThat(w).endsWith("names no branch"));
  }

  @Test
  void aFeatureBranchRunReadsSecretsAsEmpty_isToldWhy_andTheAuditSaysWithheld() throws Exception {
    Pipeline p = PipelineFormat.YAML.read("""
        id: deploy
        stages:
          - id: ship
            steps:
              - run: 'if [ -n "${{ secrets.DEPLOY_TOKEN }}" ]; then echo "deploying with a token"; else echo "no token here"; fi'
        """);
    SecretAudit audit = SecretAudit.inMemory();
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).protectedBranches(RULES).secretAudit(audit)
        .secrets(new InMemorySecretStore(Map.of("DEPLOY_TOKEN", "t0k-value"))).build()) {
      Execution feature = executor.execute(p, trigger("push", "feature/login", Map.of()), Map.of());
      assertThat(feature.completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(feature.logs().read("ship", 1, 100)).extracting(LogLine::text).contains("no token here",
          "secret DEPLOY_TOKEN is withheld (read as empty): secrets go only to runs of protected branches [main, release/**] and"
              + " tags [v*], and this run is for branch feature/login").doesNotContain("deploying with a token");
      Execution main = executor.execute(p, trigger("push", "main", Map.of()), Map.of());
      assertThat(main.completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(main.logs().read("ship", 1, 100)).extracting(LogLine::text).contains("deploying with a token");
    }
    assertThat(audit.entries()).extracting(SecretAudit.Entry::secret).containsExactly("DEPLOY_TOKEN (withheld)", "DEPLOY_TOKEN");
  }

  private static ExecutionTrigger trigger(String kind, String branch, Map<String, String> details) {
    return new ExecutionTrigger(kind, Optional.of(branch), Optional.empty(), Optional.empty(), details);
  }
}
