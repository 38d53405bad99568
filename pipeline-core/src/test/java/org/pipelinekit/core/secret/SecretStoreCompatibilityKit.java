package org.pipelinekit.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.pipelinekit.core.testing.StoreKit;
import org.pipelinekit.core.spi.SecretStore;

/** What every {@link SecretStore} must do: values kept exactly, names listed, deletes, names checked, a reopen. */
public abstract class SecretStoreCompatibilityKit extends StoreKit<SecretStore> {
  @Test
  void valuesAreKeptExactly_andNamesListedWithoutValues() {
    store.put("DEPLOY_TOKEN", "tok-1\nline two ünï \"quoted\"");
    store.put("_OTHER2", "x");
    store.put("DEPLOY_TOKEN", "tok-2\nline two ünï \"quoted\"");
    assertThat(store.get("DEPLOY_TOKEN")).contains("tok-2\nline two ünï \"quoted\"");
    assertThat(store.names()).containsExactlyInAnyOrder("DEPLOY_TOKEN", "_OTHER2");
    assertThat(store.get("MISSING")).isEmpty();
  }

  @Test
  void delete_saysWhetherThereWasOne() {
    store.put("A_TOKEN", "x");
    assertThat(store.delete("A_TOKEN")).isTrue();
    assertThat(store.delete("A_TOKEN")).isFalse();
    assertThat(store.names()).isEmpty();
  }

  @Test
  void namesThatExpressionsCannotRead_areRefused() {
    for (String bad : new String[] {"1ST", "with-dash", "with space", "", "dot.ted"}) {
      assertThatThrownBy(() -> store.put(bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("letters, digits and _");
    }
  }

  @Test
  void secretsSurviveAReopen() throws Exception {
    store.put("KEEP_ME", "kept");
    if (!reopened()) return; // a store that keeps nothing across restarts
    assertThat(store.get("KEEP_ME")).contains("kept");
  }
}
