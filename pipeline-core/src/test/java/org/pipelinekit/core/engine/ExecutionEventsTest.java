package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.*;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.store.JournalCodec;

/** The API's event JSON is a contract of its own: every event type has a form, fields are named for clients, and it is not the journal's. */
class ExecutionEventsTest {
  static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
  static final List<ExecutionEvent> ONE_OF_EACH = List.of(
      new ExecutionQueued("p-1", 1, T, Optional.of("deploy-main")),
      new ExecutionStarted("p-1", 2, T),
      new StageReused("p-1", 3, T, "build", "p-0", StageStatus.SUCCEEDED, Map.of("v", "1")),
      new ApprovalRequested("p-1", 4, T, "deploy", List.of("bob"), Optional.of(T.plusSeconds(60))),
      new ApprovalDecided("p-1", 5, T, "deploy", "bob", true, Optional.empty()),
      new StageStarted("p-1", 6, T, "test"),
      new JobStarted("p-1", 7, T, "test", "test[os=linux]", Map.of("os", "linux"), 1),
      new StepStarted("p-1", 8, T, "test", "test[os=linux]", 1, 1, "local", Duration.ofMillis(12)),
      new CacheUsed("p-1", 9, T, "test", "test[os=linux]", "hit", "deps-1", Optional.of("deps-1"), 2048, Duration.ofMillis(30)),
      new ArtifactStored("p-1", 10, T, "test", "test[os=linux]", "report", "a1", 10, "sha256:00", "/artifacts/a1"),
      new LogAppended("p-1", 11, T, new LogLine("test", 1, T, "test[os=linux]", 1, "ok")),
      new JobRetrying("p-1", 12, T, "test", "test[os=linux]", 1, Duration.ofSeconds(2), "exit 1"),
      new JobFinished("p-1", 13, T, "test", "test[os=linux]", 2, StageStatus.FAILED, Optional.of(3), Optional.of("step 1 exited with 3"), Map.of()),
      new StageFinished("p-1", 14, T, "test", StageStatus.FAILED, Optional.of("step 1 exited with 3"), Map.of()),
      new CancelRequested("p-1", 15, T, "by alice"),
      new ExecutionFinished("p-1", 16, T, ExecutionStatus.CANCELLED, Optional.of("by alice")),
      new ExecutionEvent.StagesAdded("p-1", 17, T, "plan", List.of("test-api"), "stages:\n- id: test-api\n  needs: [plan]\n"));

  final ObjectMapper json = new ObjectMapper();

  @Test
  void everyEventTypeHasAnApiForm_withTheCommonFieldsFirst() throws Exception {
    assertThat(ONE_OF_EACH).extracting(e -> e.getClass().getSimpleName())
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(ExecutionEvent.class.getPermittedSubclasses()).map(Class::getSimpleName).toList());
    for (ExecutionEvent e : ONE_OF_EACH) {
      JsonNode n = json.readTree(ExecutionEvents.json(e));
      assertThat(n.fieldNames()).toIterable().startsWith("apiVersion", "type", "execution", "seq", "time");
      assertThat(n.path("apiVersion").asInt()).isEqualTo(ExecutionEvents.VERSION);
      assertThat(n.path("type").asText()).isEqualTo(e.getClass().getSimpleName());
      assertThat(n.path("seq").asLong()).isEqualTo(e.sequence());
    }
  }

  @Test
  void theApiFormIsItsOwn_notTheJournals() throws Exception {
    ExecutionEvent finished = ONE_OF_EACH.get(12);
    assertThat(ExecutionEvents.json(finished)).isEqualTo("{\"apiVersion\":1,\"type\":\"JobFinished\",\"execution\":\"p-1\",\"seq\":13,"
        + "\"time\":\"2026-12-06T12:00:00Z\",\"stage\":\"test\",\"job\":\"test[os=linux]\",\"attempt\":2,\"status\":\"FAILED\","
        + "\"exitCode\":3,\"reason\":\"step 1 exited with 3\",\"outputs\":{}}");
    assertThat(ExecutionEvents.json(finished)).isNotEqualTo(JournalCodec.event(finished));
    JsonNode decided = json.readTree(ExecutionEvents.json(ONE_OF_EACH.get(4)));
    assertThat(decided.path("by").asText()).isEqualTo("bob");
    assertThat(decided.has("comment")).isFalse(); // no value: left out, not null
    assertThat(json.readTree(ExecutionEvents.json(ONE_OF_EACH.get(7))).path("startupMillis").asLong()).isEqualTo(12);
    JsonNode added = json.readTree(ExecutionEvents.json(ONE_OF_EACH.get(16)));
    assertThat(added.path("stages").get(0).asText()).isEqualTo("test-api");
    assertThat(added.path("definitions").get(0).path("needs").get(0).asText()).as("drawable: the stages as JSON").isEqualTo("plan");
    assertThat(JournalCodec.event(JournalCodec.event(ONE_OF_EACH.get(16)), "p-1", "test")).isEqualTo(ONE_OF_EACH.get(16));
  }
}
