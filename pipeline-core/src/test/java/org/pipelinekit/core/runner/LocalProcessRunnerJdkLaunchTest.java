package org.pipelinekit.core.runner;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.spi.Runner;

/** Every case of {@link LocalProcessRunnerTest} again with steps started through {@code ProcessBuilder}: where posix_spawn is not usable. */
class LocalProcessRunnerJdkLaunchTest extends LocalProcessRunnerTest {
  @Override
  protected Runner createRunner() {
    return new LocalProcessRunner(Optional.empty());
  }

  /** The JDK encodes commands and environments in the locale's charset ({@code sun.jnu.encoding}): whole only in a UTF-8 one. */
  @Override
  @Test
  void textBeyondAscii_inTheCommandAndTheEnvironment_arrivesWhole() throws Exception {
    Assumptions.assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
        "ProcessBuilder under the " + System.getProperty("sun.jnu.encoding") + " locale charset cannot pass ü on");
    super.textBeyondAscii_inTheCommandAndTheEnvironment_arrivesWhole();
  }
}
