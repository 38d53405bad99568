package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.secret.SecretStoreCompatibilityKit;
import org.pipelinekit.core.spi.SecretStore;

class JdbcSecretStoreTest extends SecretStoreCompatibilityKit {
  private static final byte[] KEY = new byte[32];
  private final OpenedStores stores = new OpenedStores();

  static {
    new java.security.SecureRandom().nextBytes(KEY);
  }

  @Override
  protected SecretStore createStore() {
    return stores.fresh().secrets(KEY);
  }

  @Override
  protected Optional<SecretStore> reopen() {
    return Optional.of(stores.again().secrets(KEY));
  }

  @AfterEach
  void closePools() {
    stores.closeAll();
  }

  @Test
  void anotherHostWithAnotherKey_cannotReadTheValues_andSaysSo() {
    store.put("DEPLOY_TOKEN", "s3cr3t");
    byte[] other = new byte[32];
    SecretStore wrong = stores.again().secrets(other);
    assertThat(wrong.names()).containsExactly("DEPLOY_TOKEN");
    assertThatThrownBy(() -> wrong.get("DEPLOY_TOKEN")).isInstanceOf(PipelineException.class)
        .satisfies(e -> assertThat(((PipelineException) e).code()).isEqualTo("SECRETS_KEY_MISMATCH"));
  }
}
