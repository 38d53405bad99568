package org.pipelinekit.core.secret;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.spi.SecretStore;

/**
 * The embedded default {@link SecretStore}: every secret in one file, encrypted as a whole with
 * AES-256-GCM under a key the host supplies (never stored next to the file). File layout:
 * {@code "PKS1"}, a 12-byte random nonce, then ciphertext and tag. Each change re-encrypts with a
 * fresh nonce, writes a temporary file and renames it; the file is readable by its owner only.
 * A wrong key or a tampered file is an error, never an empty store.
 */
public final class EncryptedFileSecretStore implements SecretStore {
  private static final byte[] MAGIC = {'P', 'K', 'S', '1'};
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();
  private TreeMap<String, String> secrets;

  /**
   * @param key 32 bytes (AES-256); for example {@code Base64.getDecoder().decode(System.getenv("PIPELINEKIT_SECRET_KEY"))}
   */
  public EncryptedFileSecretStore(Path file, byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the secret key must be 32 bytes (AES-256), got " + key.length
          + "; make one with: head -c 32 /dev/urandom | base64");
    }
    this.file = file;
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.secrets = load();
  }

  /** A key from its base64 text, as kept in an environment variable. */
  public static byte[] keyFromBase64(String base64) {
    try {
      return Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secret key is not base64: " + e.getMessage());
    }
  }

  @Override
  public String id() {
    return "encrypted-file:" + file;
  }

  @Override
  public synchronized Optional<String> get(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  @Override
  public synchronized void put(String name, String value) {
    SecretStore.checkName(name);
    TreeMap<String, String> next = new TreeMap<>(secrets);
    next.put(name, value);
    save(next);
    secrets = next;
  }

  @Override
  public synchronized boolean delete(String name) {
    if (!secrets.containsKey(name)) return false;
    TreeMap<String, String> next = new TreeMap<>(secrets);
    next.remove(name);
    save(next);
    secrets = next;
    return true;
  }

  @Override
  public synchronized Set<String> names() {
    return Collections.unmodifiableSet(new java.util.TreeSet<>(secrets.keySet()));
  }

  private TreeMap<String, String> load() {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new PipelineException(ErrorCode.SECRETS_UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
    }
    if (data.length < MAGIC.length + NONCE || !java.util.Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new PipelineException(ErrorCode.SECRETS_CORRUPT, file + " is not a PipelineKit secret file");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, MAGIC.length, NONCE));
      c.updateAAD(MAGIC);
      byte[] plain = c.doFinal(data, MAGIC.length + NONCE, data.length - MAGIC.length - NONCE);
      return JSON.readValue(plain, new TypeReference<TreeMap<String, String>>() {});
    } catch (AEADBadTagException e) {
      throw new PipelineException(ErrorCode.SECRETS_KEY_MISMATCH, file + " cannot be decrypted: the key is wrong or the file was changed");
    } catch (GeneralSecurityException | IOException e) {
      throw new PipelineException(ErrorCode.SECRETS_CORRUPT, file + " cannot be decrypted: " + e.getMessage(), e);
    }
  }

  private void save(TreeMap<String, String> next) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(MAGIC);
      byte[] sealed = c.doFinal(JSON.writeValueAsBytes(next));
      ByteBuffer out = ByteBuffer.allocate(MAGIC.length + NONCE + sealed.length).put(MAGIC).put(nonce).put(sealed);
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".secrets", ".tmp",
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, out.array());
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new PipelineException(ErrorCode.SECRETS_UNAVAILABLE, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
