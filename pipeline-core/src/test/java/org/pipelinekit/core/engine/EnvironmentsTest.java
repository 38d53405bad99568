package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.environment.Deployment;
import org.pipelinekit.core.environment.EnvironmentDefinition;
import org.pipelinekit.core.environment.EnvironmentStore;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.secret.InMemorySecretStore;

/** The host's environments: branches, approvals, variables and secrets for the stages that deploy to them, and their history. */
class EnvironmentsTest {
  @TempDir Path dir;

  private static final Pipeline SHIP = PipelineFormat.YAML.read("""
      id: ship
      stages:
        - id: build
          outputs: [version]
          steps:
            - run: echo "build reads [${{ secrets.PRODUCTION__DEPLOY_TOKEN }}]"; echo version=1.4.2 >> "$PIPELINE_OUTPUT"
        - id: deploy
          needs: [build]
          environment: { name: production, url: https://shop.example.org }
          steps:
            - run: echo "deploying to $API_URL"; [ "${{ secrets.DEPLOY_TOKEN }}" = prod-t0ken ] && echo "with production's token"
      """);

  @Test
  void aStageDeploysOnlyFromAllowedBranches_afterTheRequiredApprovals_withTheEnvironmentsVariablesAndSecrets() throws Exception {
    EnvironmentStore environments = EnvironmentStore.inDirectory(dir.resolve("environments"));
    environments.put(new EnvironmentDefinition("production", Map.of("API_URL", "https://api.shop.example.org"), List.of("leads"), 1,
        List.of("main", "release/*")));
    var secrets = new InMemorySecretStore(Map.of("DEPLOY_TOKEN", "global-t0ken", "PRODUCTION__DEPLOY_TOKEN", "prod-t0ken"));
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).environments(environments).secrets(secrets)
        .build()) {
      ExecutionSnapshot feature = executor.execute(SHIP, trigger("feature/login"), Map.of()).completion().get(60, TimeUnit.SECONDS);
      assertThat(feature.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(feature.stage("deploy").reason()).contains("branch feature/login may not deploy to production (only branches [main, release/*] may)");

      EngineTesting.Recorder rec = new EngineTesting.Recorder();
      Execution main = executor.execute(SHIP, trigger("main"), Map.of(), rec);
      ApprovalRequested asked = (ApprovalRequested) rec.waitFor(ev -> ev instanceof ApprovalRequested);
      assertThat(asked.approvers()).containsExactly("leads");
      assertThatThrownBy(() -> executor.approve(main.id(), "deploy", Principal.of("dev", "developers"))).hasMessageContaining("approvers are [leads]");
      executor.approve(main.id(), "deploy", Principal.of("lena", "leads"));
      ExecutionSnapshot done = main.completion().get(60, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(main.logs().read("deploy", 1, 100)).extracting(LogLine::text)
          .contains("deploying to https://api.shop.example.org", "with production's token").doesNotContain("prod-t0ken");
      // another stage does not read production's secret by its stored name
      assertThat(main.logs().read("build", 1, 100)).extracting(LogLine::text).contains("build reads []")
          .anyMatch(l -> l.contains("secret PRODUCTION__DEPLOY_TOKEN is withheld") && l.contains("only stages that deploy to it read it, as secrets.DEPLOY_TOKEN"));

      List<Deployment> history = environments.deployments("production", 10);
      assertThat(history).extracting(Deployment::status, Deployment::branch, Deployment::approvedBy).containsExactly(
          org.assertj.core.groups.Tuple.tuple("SUCCEEDED", Optional.of("main"), List.of("lena")),
          org.assertj.core.groups.Tuple.tuple("FAILED", Optional.of("feature/login"), List.of()));
      assertThat(history.get(0).executionId()).isEqualTo(main.id());
      assertThat(history.get(0).url()).contains("https://shop.example.org");
      assertThat(history.get(0).version()).as("the version the run built").contains("1.4.2");
    }
    // kept on disk: a new store on the directory reads the same
    EnvironmentStore again = EnvironmentStore.inDirectory(dir.resolve("environments"));
    assertThat(again.find("production").orElseThrow().approvers()).containsExactly("leads");
    assertThat(again.deployments("production", 1)).singleElement().satisfies(d -> {
      assertThat(d.deployed()).isTrue();
      assertThat(d.version()).contains("1.4.2");
    });
    assertThat(again.delete("production")).isTrue();
    assertThat(again.list()).isEmpty();
  }

  @Test
  void theFilesOwnEnvironmentProtectionIsEnforcedToo() throws Exception {
    Pipeline p = PipelineFormat.YAML.read("""
        id: staged
        stages:
          - id: deploy
            environment: { name: staging, protection: { branches: [main], approvers: [qa] } }
            steps: [{ run: echo deployed }]
        """);
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data2")).build()) {
      ExecutionSnapshot wrong = executor.execute(p, trigger("topic"), Map.of()).completion().get(60, TimeUnit.SECONDS);
      assertThat(wrong.stage("deploy").reason()).contains("branch topic may not deploy to staging (only branches [main] may)");
      EngineTesting.Recorder rec = new EngineTesting.Recorder();
      Execution e = executor.execute(p, trigger("main"), Map.of(), rec);
      rec.waitFor(ev -> ev instanceof ApprovalRequested); // (it ran without waiting before: only the stage's own approval counted)
      assertThat(e.stage("deploy").status()).isEqualTo(StageStatus.WAITING_APPROVAL);
      executor.approve(e.id(), "deploy", Principal.of("quinn", "qa"));
      assertThat(e.completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
  }

  @Test
  void aDefinitionSaysWhatIsWrongWithIt() {
    assertThatThrownBy(() -> new EnvironmentDefinition("Production", Map.of(), List.of(), 1, List.of())).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> new EnvironmentDefinition("prod", Map.of(), List.of("a"), 2, List.of())).hasMessageContaining("requires 2 approvals but names 1");
    assertThatThrownBy(() -> new EnvironmentDefinition("prod", Map.of("not a name", "x"), List.of(), 1, List.of())).hasMessageContaining("not a shell name");
    assertThat(EnvironmentDefinition.named("pre-prod").secretPrefix()).isEqualTo("PRE_PROD__");
  }

  private static ExecutionTrigger trigger(String branch) {
    return new ExecutionTrigger("push", Optional.of(branch), Optional.of("0123456789abcdef0123456789abcdef01234567"), Optional.empty());
  }
}
