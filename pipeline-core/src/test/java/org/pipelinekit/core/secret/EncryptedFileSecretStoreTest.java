package org.pipelinekit.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.PipelineException;

class EncryptedFileSecretStoreTest extends SecretStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected org.pipelinekit.core.spi.SecretStore createStore() {
    return new EncryptedFileSecretStore(dir.resolve("kit.bin"), key(7));
  }

  @Override
  protected java.util.Optional<org.pipelinekit.core.spi.SecretStore> reopen() {
    return java.util.Optional.of(new EncryptedFileSecretStore(dir.resolve("kit.bin"), key(7)));
  }

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    for (int i = 0; i < 32; i++) k[i] = (byte) (seed + i);
    return k;
  }

  @Test
  void secretsSurviveANewStoreAndTheFileHoldsNoPlainText() throws Exception {
    Path file = dir.resolve("secrets.bin");
    EncryptedFileSecretStore store = new EncryptedFileSecretStore(file, key(1));
    store.put("API_TOKEN", "very-secret-value");
    store.put("OTHER", "x");
    assertThat(store.delete("OTHER")).isTrue();
    assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("very-secret-value")
        .doesNotContain("API_TOKEN");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    EncryptedFileSecretStore again = new EncryptedFileSecretStore(file, key(1));
    assertThat(again.get("API_TOKEN")).contains("very-secret-value");
    assertThat(again.names()).containsExactly("API_TOKEN");
  }

  @Test
  void aWrongKeyOrATamperedFileIsAnErrorNotAnEmptyStore() throws Exception {
    Path file = dir.resolve("secrets.bin");
    new EncryptedFileSecretStore(file, key(1)).put("A", "b");
    assertThatThrownBy(() -> new EncryptedFileSecretStore(file, key(2))).isInstanceOfSatisfying(PipelineException.class,
        e -> assertThat(e.code()).isEqualTo("SECRETS_KEY_MISMATCH"));
    byte[] data = Files.readAllBytes(file);
    data[data.length - 1] ^= 1;
    Files.write(file, data);
    assertThatThrownBy(() -> new EncryptedFileSecretStore(file, key(1))).hasMessageContaining("the key is wrong or the file was changed");
  }

  @Test
  void keysAndNamesAreChecked() {
    assertThatThrownBy(() -> new EncryptedFileSecretStore(dir.resolve("s"), new byte[16]))
        .hasMessageStartingWith("the secret key must be 32 bytes (AES-256), got 16");
    EncryptedFileSecretStore store = new EncryptedFileSecretStore(dir.resolve("s"), key(1));
    assertThatThrownBy(() -> store.put("bad-name", "x")).hasMessageContaining("must be letters, digits and _");
  }
}
