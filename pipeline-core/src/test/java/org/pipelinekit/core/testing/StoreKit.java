package org.pipelinekit.core.testing;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The life of a store in a compatibility kit: a new one before each test, closed after it, and for stores that
 * persist, the same store opened again as after a host restart.
 */
public abstract class StoreKit<S extends AutoCloseable> {
  protected S store;

  /** A new, empty store. */
  protected abstract S createStore() throws Exception;

  /** The same store opened again (as after a host restart), or empty for stores that keep nothing. */
  protected Optional<S> reopen() throws Exception {
    return Optional.empty();
  }

  @BeforeEach
  protected void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  protected void closeStore() throws Exception {
    store.close();
  }

  /** Closes the store and opens it again; false (with a fresh store in place) when it keeps nothing across restarts. */
  protected boolean reopened() throws Exception {
    store.close();
    Optional<S> again = reopen();
    store = again.isPresent() ? again.get() : createStore();
    return again.isPresent();
  }
}
