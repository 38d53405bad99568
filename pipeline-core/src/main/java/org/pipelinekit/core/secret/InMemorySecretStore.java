package org.pipelinekit.core.secret;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.pipelinekit.core.spi.SecretStore;

/** A {@link SecretStore} in memory, for tests and hosts that hand secrets over at start-up. */
public final class InMemorySecretStore implements SecretStore {
  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  public InMemorySecretStore() {}

  public InMemorySecretStore(Map<String, String> secrets) {
    secrets.forEach(this::put);
  }

  @Override
  public String id() {
    return "memory";
  }

  @Override
  public Optional<String> get(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  @Override
  public void put(String name, String value) {
    secrets.put(SecretStore.checkName(name), value);
  }

  @Override
  public boolean delete(String name) {
    return secrets.remove(name) != null;
  }

  @Override
  public Set<String> names() {
    return new TreeSet<>(secrets.keySet());
  }
}
