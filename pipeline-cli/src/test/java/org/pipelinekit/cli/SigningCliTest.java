package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys generate, sign, verify, and run --trusted-keys, as a user types them. */
class SigningCliTest {
  private final Cli cli = new Cli();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void signVerifyAndRunOnlyWhatATrustedKeySigned(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(run("keys", "generate", "team-a", "--dir", keys.toString())).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("team-a.key (the private key", "team-a.pub (the public key");
    assertThat(run("keys", "generate", "team-a", "--dir", keys.toString())).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("a key named team-a is already in");
    Path trusted = Files.createDirectories(dir.resolve("trusted"));
    Files.copy(keys.resolve("team-a.pub"), trusted.resolve("team-a.pub"));

    Path file = dir.resolve("ship.yaml");
    Files.writeString(file, "# the release pipeline\nid: ship\nstages:\n  - id: deploy\n    steps: [{ run: 'echo shipping now' }]\n");
    assertThat(run("sign", file.toString(), "--key", keys.resolve("team-a.key").toString())).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("signed pipeline ship in " + file + " with key team-a");
    assertThat(run("sign", file.toString(), "--key", keys.resolve("team-a.key").toString())).isZero(); // again: one signature
    String signed = Files.readString(file);
    assertThat(signed).startsWith("# the release pipeline\nid: ship\n").containsOnlyOnce("signature:").contains("  key: team-a\n");
    assertThat(run("verify", file.toString(), "--trusted-keys", trusted.toString())).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("pipeline ship is signed by key 'team-a', which " + trusted + " trusts, and unchanged since");
    assertThat(run("run", file.toString(), "--trusted-keys", trusted.toString())).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("[deploy] shipping now");

    // changed after signing: verify and run refuse it, and nothing runs
    Files.writeString(file, signed.replace("echo shipping now", "echo shipping something else"));
    assertThat(run("verify", file.toString(), "--trusted-keys", trusted.toString())).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("does not match its signature by key 'team-a': it was changed after it was signed");
    assertThat(run("run", file.toString(), "--trusted-keys", trusted.toString())).isEqualTo(Main.INVALID);
    assertThat(cli.out.toString()).doesNotContain("shipping");

    Path unsigned = dir.resolve("other.yaml");
    Files.writeString(unsigned, "id: other\nstages:\n  - id: a\n    steps: [{ run: 'echo hi' }]\n");
    assertThat(run("run", unsigned.toString(), "--trusted-keys", trusted.toString())).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("pipeline other is not signed; this server runs only pipelines signed by key 'team-a'");

    Path json = dir.resolve("other.json");
    Files.writeString(json, "{\"pipelinekit\": 1, \"id\": \"other\", \"stages\": [{\"id\": \"a\", \"steps\": [{\"run\": \"echo hi\"}]}]}");
    assertThat(run("sign", json.toString(), "--key", keys.resolve("team-a.key").toString())).as(cli.err.toString()).isZero();
    assertThat(run("verify", json.toString(), "--trusted-keys", trusted.toString())).as(cli.err.toString()).isZero();

    Path kts = dir.resolve("x.pipeline.kts");
    Files.writeString(kts, "pipeline(\"x\") {}");
    assertThat(run("sign", kts.toString(), "--key", keys.resolve("team-a.key").toString())).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("only YAML and JSON pipeline files carry a signature; write this one as YAML first");
    assertThat(run("verify", file.toString(), "--trusted-keys", dir.resolve("nowhere").toString())).isEqualTo(Main.INVALID);
    assertThat(cli.err.toString()).contains("no directory of trusted keys at");
  }
}
