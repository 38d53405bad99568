package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.run.ExecutionStatus;

class ArtifactSampleTest {
  @Test
  void theSampleStoresTheJarAndSignsALink_andTheReadmeShowsIt(@TempDir Path dir) throws IOException {
    ArtifactSample.Result r = ArtifactSample.run(dir, new byte[32]);
    assertThat(r.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(r.link().toString()).matches("/artifacts/[0-9a-f]{32}\\?expires=\\d+&signature=[A-Za-z0-9_-]+");
  }
}
