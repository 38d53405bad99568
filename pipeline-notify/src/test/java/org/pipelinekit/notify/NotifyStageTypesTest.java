package org.pipelinekit.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.stage.StageRegistry;

/** The slack and email stage types in Java: no curl, no container; a Slack answer of 503 is tried again. */
class NotifyStageTypesTest {
  @TempDir Path dir;

  @Test
  void slackAndEmailStagesDeliver() throws Exception {
    GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.setUser("ci@example.org", "ci", "mail-pa55");
    smtp.start();
    try (Receiver slack = new Receiver();
        PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir)
            .registry(StageRegistry.builder().addBuiltins().add(new NotifyStageTypes()).build())
            .secrets(new InMemorySecretStore(Map.of("SLACK_WEBHOOK", slack.url("/services/T/B/x"),
                "SMTP_URL", "smtp+plain://ci:mail-pa55@127.0.0.1:" + smtp.getSmtp().getPort()))).build()) {
      slack.answer("/services/T/B/x", 503);
      ExecutionSnapshot done = executor.execute(PipelineFormat.YAML.read("""
          id: tell
          stages:
            - id: slack
              type: slack
              with: { webhook_url: '${{ secrets.SLACK_WEBHOOK }}', message: 'release 1.4 is out', channel: '#shop' }
            - id: mail
              type: email
              with: { smtp_url: '${{ secrets.SMTP_URL }}', from: ci@example.org, to: [team@example.org], subject: 'release 1.4',
                      body: 'it is out' }
          """)).completion().get(60, TimeUnit.SECONDS);
      assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.stage("slack").outputs()).containsEntry("sent", "true");
      assertThat(slack.at("/services/T/B/x")).hasSize(2).allSatisfy(r -> {
        assertThat(r.json().path("text").asText()).isEqualTo("release 1.4 is out");
        assertThat(r.json().path("channel").asText()).isEqualTo("#shop");
      });
      MimeMessage[] mails = smtp.getReceivedMessages();
      assertThat(mails).singleElement().satisfies(m -> {
        assertThat(m.getSubject()).isEqualTo("release 1.4");
        assertThat(m.getContent().toString().strip()).isEqualTo("it is out");
      });
      assertThat(done.stage("mail").outputs()).containsEntry("sent", "true");
    } finally {
      smtp.stop();
    }
  }
}
