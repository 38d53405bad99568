package org.pipelinekit.samples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.NotifyRule;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.notify.Delivery;
import org.pipelinekit.notify.Notifier;

/** A pipeline that tells a webhook when it fails. The README shows this file; NotifySampleTest runs it against a receiver. */
public final class NotifySample {
  private NotifySample() {}

  public record Result(ExecutionSnapshot execution, List<Delivery> deliveries) {}

  public static Result run(Path dataDir, String hookUrl) throws InterruptedException {
    SecretStore secrets = new InMemorySecretStore(Map.of("HOOK_URL", hookUrl));
    List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    CountDownLatch told = new CountDownLatch(1);
    Notifier notifier = Notifier.builder().secrets(secrets).links(id -> "https://ci.example.org/#/executions/" + id).build();
    PipelineExecutor executor = PipelineExecutor.builder().secrets(secrets).listener(notifier.listener()).dataDirectory(dataDir).build();
    notifier.attach(executor);
    notifier.onDelivery(d -> {
      deliveries.add(d);
      told.countDown();
    });
    try (notifier; executor) {
      Pipeline ci = Pipeline.builder("java-ci")
          .notifyOn(List.of(NotifyRule.Event.FAILED), "webhook", Map.of("url", "${{ secrets.HOOK_URL }}"))
          .stage("test", s -> s.run("exit 1"))
          .build();
      ExecutionSnapshot done = executor.execute(ci, ExecutionTrigger.manual().branch("main"), Map.of()).completion().join();
      told.await(30, TimeUnit.SECONDS); // the notification goes out after the run, on the notifier's thread
      return new Result(done, List.copyOf(deliveries));
    }
  }
}
