package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.PipelineStore;
import org.pipelinekit.core.testing.SamplePipelines;

class FilePipelineStoreTest extends StoreCompatibilityKit {
  @TempDir
  Path dir;

  @Override
  protected PipelineStore createStore() {
    return new FilePipelineStore(dir, Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void pipelinesSurviveANewStoreOnTheSameDirectory() {
    Pipeline saved = store.save(SamplePipelines.javaCi());
    assertThat(new FilePipelineStore(dir).find("java-ci")).contains(saved);
  }

  @Test
  void filesAreCanonicalJsonAndNoTemporaryFileIsLeft() throws IOException {
    Pipeline saved = store.save(SamplePipelines.javaCi());
    Path file = dir.resolve("pipelines/java-ci.json");
    assertThat(Files.readString(file)).isEqualTo(PipelineFormat.JSON.write(saved)).startsWith("{\n  \"pipelinekit\": 1,");
    try (Stream<Path> files = Files.list(dir.resolve("pipelines"))) {
      assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("java-ci.json");
    }
  }

  @Test
  void unreadableFileIsNamedAndNeverDeleted() throws IOException {
    store.save(SamplePipelines.javaCi());
    Path file = dir.resolve("pipelines/java-ci.json");
    Files.writeString(file, "{ \"id\": \"java-ci\", \"stages\": [ ");
    store.save(Pipeline.builder("other").stage("a", s -> s.run("x")).build());

    assertThatThrownBy(() -> store.find("java-ci")).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.code()).isEqualTo("STORE_CORRUPT");
      assertThat(e.getMessage()).contains(file.toString()).contains("line 1, column").contains("PipelineKit does not delete it");
    });
    assertThat(store.list()).extracting(Pipeline::id).containsExactly("other");

    Pipeline replaced = store.save(SamplePipelines.javaCi());
    assertThat(replaced.version()).isEqualTo(1);
    Path aside = dir.resolve("pipelines/java-ci.json.unreadable-" + Instant.parse("2026-11-26T12:00:00Z").toEpochMilli());
    assertThat(aside).hasContent("{ \"id\": \"java-ci\", \"stages\": [ ");
  }

  @Test
  void refusesIdsThatAreNotFileSafe() {
    Pipeline bad = Pipeline.draft("../escape").stage(org.pipelinekit.core.model.Stage.draft("a").run("x").build()).build();
    assertThatThrownBy(() -> store.save(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pipeline id '../escape' is not a valid id");
    assertThat(store.find("../escape")).isEmpty();
    assertThat(store.delete("../../etc")).isFalse();
  }
}
