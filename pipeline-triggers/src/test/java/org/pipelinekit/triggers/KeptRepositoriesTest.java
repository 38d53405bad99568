package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.spi.TriggerLedger;
import org.pipelinekit.triggers.internal.Webhooks;

/**
 * A repository registered on one host is kept: a host that starts on the same ledger (a restart, or another host of the
 * cluster) registers it too, its webhook secret read back from the secret store, where it is sealed rather than in the
 * ledger; one registered without a place for its secret is refused, saying why.
 */
class KeptRepositoriesTest {
  @TempDir Path dir;

  @Test
  void aRegisteredRepositoryIsThereAfterARestart_withItsWebhookSecretFromTheSecretStore() throws Exception {
    Path origin = dir.resolve("origin.git");
    GitServer.git(dir, "init", "--bare", "-b", "main", origin.toString());
    InMemorySecretStore secrets = new InMemorySecretStore();
    TriggerLedger ledger = TriggerLedger.inDirectory(dir.resolve("ledger"));
    PipelineService service = PipelineService.builder().build();
    try (PipelineExecutor executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).build()) {
      try (Triggers first = Triggers.builder(executor, service).mirrors(dir.resolve("mirrors-1")).ledger(ledger).secrets(secrets)
          .scheduleTick(Duration.ZERO).build()) {
        first.register(new GitRepository("shop", origin.toString(), "main", Optional.of("hook-secret"), Duration.ZERO), true);
        assertThatLedgerHoldsNoSecret(dir.resolve("ledger"));
      }
      try (Triggers again = Triggers.builder(executor, service).mirrors(dir.resolve("mirrors-2")).ledger(ledger).secrets(secrets)
          .scheduleTick(Duration.ZERO).build()) {
        assertThat(again.repositories()).singleElement().satisfies(r -> {
          assertThat(r.id()).isEqualTo("shop");
          assertThat(r.webhookSecret()).contains("hook-secret");
        });
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = Map.of("X-GitHub-Event", "ping", "X-GitHub-Delivery", "p-1", "X-Hub-Signature-256",
            "sha256=" + Webhooks.hmac("hook-secret", body));
        Triggers.WebhookResult ping = again.webhook("github", "shop",
            n -> h.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(n)).map(Map.Entry::getValue).findFirst(), body);
        assertThat(ping.status()).isEqualTo(200);
      }
      try (Triggers noStore = Triggers.builder(executor, service).mirrors(dir.resolve("mirrors-3")).scheduleTick(Duration.ZERO).build()) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> noStore.register(new GitRepository("other", origin.toString(), "main",
            Optional.of("s"), Duration.ZERO), true)).isInstanceOf(IllegalStateException.class).hasMessageContaining("no secret store to keep it in");
      }
    }
  }

  private static void assertThatLedgerHoldsNoSecret(Path ledger) throws Exception {
    try (var files = Files.walk(ledger)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) assertThat(Files.readString(f)).doesNotContain("hook-secret");
    }
  }
}
