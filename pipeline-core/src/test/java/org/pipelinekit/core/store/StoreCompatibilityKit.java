package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Pipeline.Builder;
import org.pipelinekit.core.spi.PipelineDraft;
import org.pipelinekit.core.spi.PipelineStore;
import org.pipelinekit.core.testing.SamplePipelines;

/**
 * What every {@link PipelineStore} must do. An implementation's test extends this and says how to
 * make a store; the kit ships in pipeline-core's test-jar.
 */
public abstract class StoreCompatibilityKit {
  protected PipelineStore store;

  /** A new, empty store. */
  protected abstract PipelineStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Pipeline simple(String id) {
    Builder b = Pipeline.builder(id);
    return b.stage("a", s -> s.run("echo " + id)).build();
  }

  @Test
  void save_givesRevisionsFromOne() {
    Pipeline first = store.save(simple("ci"));
    assertThat(first.version()).isEqualTo(1);
    Pipeline second = store.save(simple("ci"));
    assertThat(second.version()).isEqualTo(2);
    assertThat(store.find("ci")).contains(second);
  }

  @Test
  void find_returnsWhatWasSavedWhole() {
    Pipeline saved = store.save(SamplePipelines.javaCi());
    assertThat(store.find("java-ci")).contains(saved);
    assertThat(saved.withVersion(0)).isEqualTo(SamplePipelines.javaCi());
  }

  @Test
  void find_unknownIsEmpty() {
    assertThat(store.find("nope")).isEmpty();
  }

  @Test
  void list_isOrderedById() {
    store.save(simple("b"));
    store.save(simple("a"));
    store.save(simple("c"));
    assertThat(store.list()).extracting(Pipeline::id).containsExactly("a", "b", "c");
  }

  @Test
  void save_withExpectedRevisionRefusesStaleWrites() {
    store.save(simple("ci"), 0);
    Pipeline two = store.save(simple("ci"), 1);
    assertThat(two.version()).isEqualTo(2);
    assertThatThrownBy(() -> store.save(simple("ci"), 1)).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.code()).isEqualTo("STORE_CONFLICT");
      assertThat(e.getMessage()).isEqualTo("pipeline 'ci' was changed: the stored revision is 2, yours is 1; reload it,"
          + " apply your change again and save");
    });
    assertThatThrownBy(() -> store.save(simple("ci"), 0)).hasMessageStartingWith("pipeline 'ci' already exists (revision 2)");
    assertThatThrownBy(() -> store.save(simple("new"), 4)).hasMessageStartingWith("pipeline 'new' does not exist (expected revision 4)");
    assertThat(store.find("ci").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void delete_removesAndSaysWhetherThereWasOne() {
    store.save(simple("ci"));
    assertThat(store.delete("ci")).isTrue();
    assertThat(store.delete("ci")).isFalse();
    assertThat(store.find("ci")).isEmpty();
  }

  @Test
  void drafts_keepTheEditorsTextWhateverItIs_besideTheRevisions() {
    store.save(simple("ci"));
    String broken = "{\"pipelinekit\":1,\"id\":\"ci\",\"stages\":[{\"id\":\"b\",\"needs\":[\"nope\"]}]}";
    PipelineDraft kept = store.saveDraft("ci", broken);
    assertThat(kept.pipelineId()).isEqualTo("ci");
    assertThat(store.findDraft("ci")).hasValueSatisfying(d -> assertThat(d.document()).isEqualTo(broken));
    assertThat(store.find("ci").orElseThrow().version()).as("a draft is not a revision").isEqualTo(1);
    store.saveDraft("new-one", "{\"stages\": [");
    store.saveDraft("ci", "{}");
    assertThat(store.drafts()).extracting(PipelineDraft::pipelineId).containsExactly("ci", "new-one");
    assertThat(store.findDraft("ci").orElseThrow().document()).isEqualTo("{}");
    assertThat(store.list()).extracting(Pipeline::id).as("drafts are not pipelines").containsExactly("ci");
    assertThat(store.deleteDraft("ci")).isTrue();
    assertThat(store.deleteDraft("ci")).isFalse();
    assertThat(store.findDraft("ci")).isEmpty();
    assertThat(store.findDraft("nope")).isEmpty();
    assertThatThrownBy(() -> store.saveDraft("../etc", "{}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid id");
  }

  @Test
  void concurrentSavesWithTheSameExpectedRevision_onlyOneWins() throws Exception {
    store.save(simple("ci"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> {
          start.await();
          try {
            store.save(simple("ci"), 1);
            return true;
          } catch (PipelineException e) {
            return false;
          }
        }));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        if (f.get(30, TimeUnit.SECONDS)) wins++;
      }
      assertThat(wins).isEqualTo(1);
      assertThat(store.find("ci").orElseThrow().version()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
