package org.pipelinekit.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.spi.SecretStore;

/**
 * Secrets every host reads: a row of {@code pk_secret} per secret, its value sealed with AES-256-GCM under a key the hosts
 * hold (never in the database), with a fresh nonce per write and the secret's name as associated data, so a value
 * moved to another name does not open. A wrong key says so ({@code SECRETS_KEY_MISMATCH}).
 */
public final class JdbcSecretStore implements SecretStore {
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private final Database db;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public JdbcSecretStore(Database db, byte[] key) {
    if (key.length != 32) throw new IllegalArgumentException("a secrets key is 32 bytes (AES-256), got " + key.length);
    this.db = db;
    this.key = new SecretKeySpec(key, "AES");
  }

  @Override
  public String id() {
    return "postgresql";
  }

  @Override
  public Optional<String> get(String name) {
    record Sealed(byte[] nonce, byte[] sealed) {}
    Optional<Sealed> row = db.one("read secret " + name, "SELECT nonce, sealed FROM pk_secret WHERE name = ?", s -> s.setString(1, name),
        r -> new Sealed(r.getBytes(1), r.getBytes(2)));
    if (row.isEmpty()) return Optional.empty();
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, row.get().nonce()));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return Optional.of(new String(c.doFinal(row.get().sealed()), StandardCharsets.UTF_8));
    } catch (AEADBadTagException e) {
      throw new PipelineException(ErrorCode.SECRETS_KEY_MISMATCH, "secret " + name + " cannot be decrypted: the hosts' key is not the one"
          + " it was stored with, or the row was changed");
    } catch (GeneralSecurityException e) {
      throw new PipelineException(ErrorCode.SECRETS_CORRUPT, "secret " + name + " cannot be decrypted: " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String name, String value) {
    SecretStore.checkName(name);
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      sealed = c.doFinal(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
    db.update("store secret " + name, "INSERT INTO pk_secret (name, nonce, sealed) VALUES (?, ?, ?)"
        + " ON CONFLICT (name) DO UPDATE SET nonce = EXCLUDED.nonce, sealed = EXCLUDED.sealed", s -> {
          s.setString(1, name);
          s.setBytes(2, nonce);
          s.setBytes(3, sealed);
        });
  }

  @Override
  public boolean delete(String name) {
    return db.update("delete secret " + name, "DELETE FROM pk_secret WHERE name = ?", s -> s.setString(1, name)) > 0;
  }

  @Override
  public Set<String> names() {
    return new TreeSet<>(db.query("list the secrets", "SELECT name FROM pk_secret", s -> { }, r -> r.getString(1)));
  }
}
