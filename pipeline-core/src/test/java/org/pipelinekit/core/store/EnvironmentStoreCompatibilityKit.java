package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.environment.Deployment;
import org.pipelinekit.core.environment.EnvironmentDefinition;
import org.pipelinekit.core.environment.EnvironmentStore;

/** What every {@link EnvironmentStore} must do: definitions kept exactly and replaced, histories newest first, a reopen. */
public abstract class EnvironmentStoreCompatibilityKit {
  protected abstract EnvironmentStore create() throws Exception;

  /** The same store opened again (another host, or after a restart), or empty for one that keeps nothing. */
  protected abstract Optional<EnvironmentStore> reopen() throws Exception;

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

  @Test
  void definitionsAndHistoriesAreKept_andSeenByTheStoreOpenedAgain() throws Exception {
    EnvironmentStore store = create();
    store.put(new EnvironmentDefinition("staging", Map.of(), List.of(), 1, List.of()));
    store.put(new EnvironmentDefinition("production", Map.of("API_URL", "https://api", "REGION", "eu"), List.of("leads", "ops"), 2,
        List.of("main", "release/*"), Optional.of(java.time.Duration.ofMinutes(10))));
    store.put(new EnvironmentDefinition("staging", Map.of("API_URL", "https://staging"), List.of(), 1, List.of()));
    assertThat(store.list()).extracting(EnvironmentDefinition::name).containsExactly("production", "staging");
    assertThat(store.find("production").orElseThrow()).isEqualTo(new EnvironmentDefinition("production",
        Map.of("API_URL", "https://api", "REGION", "eu"), List.of("leads", "ops"), 2, List.of("main", "release/*"),
        Optional.of(java.time.Duration.ofMinutes(10))));
    assertThat(store.find("staging").orElseThrow().variables()).containsEntry("API_URL", "https://staging");
    assertThat(store.find("nowhere")).isEmpty();
    for (int i = 1; i <= 3; i++) {
      store.record(new Deployment("production", "ship", "ship-" + i, "deploy", i == 2 ? "FAILED" : "SUCCEEDED", Optional.of("c0ffee" + i),
          Optional.of("main"), i == 3 ? List.of("lena", "otto") : List.of(), T0.plusSeconds(i), Optional.of("https://shop")));
    }
    store.record(new Deployment("staging", "ship", "ship-9", "stage", "SUCCEEDED", Optional.empty(), Optional.empty(), List.of(), T0,
        Optional.empty()));
    List<Deployment> history = store.deployments("production", 2);
    assertThat(history).extracting(Deployment::executionId).containsExactly("ship-3", "ship-2");
    assertThat(history.get(0)).isEqualTo(new Deployment("production", "ship", "ship-3", "deploy", "SUCCEEDED", Optional.of("c0ffee3"),
        Optional.of("main"), List.of("lena", "otto"), T0.plusSeconds(3), Optional.of("https://shop")));
    assertThat(store.deployments("staging", 10)).singleElement().satisfies(d -> assertThat(d.commit()).isEmpty());
    assertThat(store.deployments("nowhere", 10)).isEmpty();

    Optional<EnvironmentStore> again = reopen();
    if (again.isPresent()) {
      assertThat(again.get().list()).extracting(EnvironmentDefinition::name).containsExactly("production", "staging");
      assertThat(again.get().deployments("production", 10)).hasSize(3);
      store = again.get();
    }
    assertThat(store.delete("staging")).isTrue();
    assertThat(store.delete("staging")).isFalse();
    assertThat(store.deployments("staging", 10)).as("the history stays").hasSize(1);
  }
}
