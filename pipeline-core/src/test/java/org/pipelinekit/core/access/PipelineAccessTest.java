package org.pipelinekit.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.service.PipelineService;

/** Roles checked where the changes are made, whoever calls: the service and the executor through {@link PipelineAccess}. */
class PipelineAccessTest {
  @TempDir Path dir;
  PipelineExecutor executor;
  PipelineService service;
  PipelineAccess access;
  final Map<String, Role> roles = Map.of("vic", Role.VIEWER, "rob", Role.RUNNER, "ed", Role.EDITOR, "amy", Role.APPROVER);

  @BeforeEach
  void open() {
    executor = PipelineExecutor.builder().dataDirectory(dir).build();
    service = PipelineService.builder().build();
    access = PipelineAccess.of(service, executor, AccessPolicy.byRoles(p -> Optional.ofNullable(roles.get(p.name()))));
  }

  @AfterEach
  void close() {
    executor.close();
  }

  @Test
  void eachRoleMayMakeOnlyItsChanges_andARefusalSaysWhoMayNotDoWhat() throws Exception {
    Pipeline p = Pipeline.builder("ship").stage("build", s -> s.run("true"))
        .stage("deploy", s -> s.needs("build").approval(a -> a.approvers("amy")).run("echo deployed")).build();
    assertThatThrownBy(() -> access.as(Principal.of("vic")).create(p)).isInstanceOf(PipelineException.class)
        .satisfies(e -> assertThat(((PipelineException) e).errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED))
        .hasMessage("vic may not edit pipeline ship");
    assertThat(service.get("ship")).as("nothing stored").isEmpty();
    assertThatThrownBy(() -> access.as(Principal.of("rob")).create(p)).hasMessage("rob may not edit pipeline ship");
    access.as(Principal.of("ed")).create(p);

    assertThatThrownBy(() -> access.as(Principal.of("vic")).execute(p, ExecutionTrigger.manual(), Map.of()))
        .hasMessage("vic may not run pipeline ship");
    assertThat(executor.executions("ship", 10)).as("nothing started").isEmpty();
    Execution run = access.as(Principal.of("rob")).execute(p, ExecutionTrigger.manual(), Map.of());
    assertThatThrownBy(() -> access.as(Principal.of("rob")).approve(run.id(), "deploy")).hasMessage("rob may not approve pipeline ship");
    assertThatThrownBy(() -> access.as(Principal.of("amy")).cancel(run.id(), "stop")).hasMessage("amy may not run pipeline ship");
    assertThatThrownBy(() -> access.as(Principal.of("nobody")).reject(run.id(), "deploy", "no")).hasMessage("nobody may not approve pipeline ship");
    java.util.concurrent.CompletableFuture<Void> asked = new java.util.concurrent.CompletableFuture<>();
    run.subscribe(0, e -> {
      if (e instanceof org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested) asked.complete(null);
    });
    asked.get(30, java.util.concurrent.TimeUnit.SECONDS);
    access.as(Principal.of("amy")).approve(run.id(), "deploy");
    assertThat(run.completion().get().status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    assertThatThrownBy(() -> access.as(Principal.of("rob")).delete("ship")).hasMessage("rob may not edit pipeline ship");
    assertThat(access.as(Principal.of("ed")).delete("ship")).isTrue();
  }
}
