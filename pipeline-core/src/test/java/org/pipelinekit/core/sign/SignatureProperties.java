package org.pipelinekit.core.sign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.RandomPipelines;

/** A signature holds across YAML and JSON and a store's revision numbers, and breaks with any change of the pipeline. */
class SignatureProperties {
  private static Path keys;
  private static PipelineSignatures.Trusted trusted;

  @BeforeContainer
  static void makeKey() throws Exception {
    keys = Files.createTempDirectory("pk-sign-keys-");
    PipelineSignatures.generate(keys, "team-a");
    trusted = PipelineSignatures.Trusted.inDirectory(keys);
  }

  @AfterContainer
  static void removeKey() throws Exception {
    try (var files = Files.list(keys)) {
      for (Path f : files.toList()) Files.delete(f);
    }
    Files.delete(keys);
  }

  @Provide
  Arbitrary<Pipeline> pipelines() {
    return RandomPipelines.pipelines();
  }

  @Property(tries = 200)
  void aSignedPipelineStaysSignedThroughYamlJsonAndRevisions(@ForAll("pipelines") Pipeline p) throws Exception {
    Pipeline signed = PipelineSignatures.sign(p, keys.resolve("team-a.key"));
    assertThat(trusted.refusal(signed)).isEmpty();
    Pipeline yaml = PipelineFormat.YAML.read(PipelineFormat.YAML.write(signed));
    assertThat(trusted.refusal(yaml)).isEmpty();
    Pipeline json = PipelineFormat.JSON.read(PipelineFormat.JSON.write(yaml));
    assertThat(trusted.refusal(json.withVersion(json.version() + 7))).isEmpty();
  }

  @Property(tries = 200)
  void anyChangeBreaksTheSignature(@ForAll("pipelines") Pipeline p) throws Exception {
    Pipeline signed = PipelineSignatures.sign(p, keys.resolve("team-a.key"));
    Pipeline renamed = signed.toBuilder().name(signed.name().orElse("") + "!").build();
    assertThat(trusted.refusal(renamed)).hasValueSatisfying(why -> assertThat(why).contains("does not match its signature by key 'team-a'"));
    Pipeline moreEnv = signed.toBuilder().env("EXTRA", "1").build();
    assertThat(trusted.refusal(moreEnv)).isPresent();
  }
}
