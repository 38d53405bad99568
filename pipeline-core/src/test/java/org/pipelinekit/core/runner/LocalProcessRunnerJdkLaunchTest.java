package org.pipelinekit.core.runner;

import java.util.Optional;
import org.pipelinekit.core.spi.Runner;

/** Every case of {@link LocalProcessRunnerTest} again with steps started through {@code ProcessBuilder}: where posix_spawn is not usable. */
class LocalProcessRunnerJdkLaunchTest extends LocalProcessRunnerTest {
  @Override
  protected Runner createRunner() {
    return new LocalProcessRunner(Optional.empty());
  }
}
