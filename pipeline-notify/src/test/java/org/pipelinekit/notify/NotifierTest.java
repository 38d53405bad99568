package org.pipelinekit.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.secret.InMemorySecretStore;

/**
 * A pipeline's notify rules against loopback receivers that check what each vendor documents (and GreenMail as the SMTP
 * server): a failing run on main tells Slack, triggers PagerDuty, posts a signed webhook, a Datadog event and metrics, a
 * JIRA comment and an email; the next green run says "fixed" and resolves the incident with the same dedup key; a feature
 * branch tells no one; a failed delivery is retried when that may help, recorded, and never fails the run.
 */
class NotifierTest {
  @TempDir Path dir;
  Receiver receiver;
  GreenMail smtp;
  Notifier notifier;
  PipelineExecutor executor;
  final LinkedBlockingQueue<Delivery> delivered = new LinkedBlockingQueue<>();

  @BeforeEach
  void open() throws Exception {
    receiver = new Receiver();
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.setUser("ci@example.org", "ci", "mail-pa55");
    smtp.start();
    var secrets = new InMemorySecretStore(Map.of("SLACK_WEBHOOK", receiver.url("/services/T0/B0/xyz"), "PD_KEY", "R0UT1NGKEY",
        "HOOK_SECRET", "h00k-5ecret", "DD_KEY", "dd-api-key", "JIRA_TOKEN", "j1ra-t0ken", "SMTP_PASSWORD", "mail-pa55"));
    notifier = Notifier.builder().secrets(secrets).links(id -> "https://ci.example.org/#/executions/" + id)
        .retries(3, Duration.ofMillis(20)).build();
    notifier.onDelivery(delivered::add);
    executor = PipelineExecutor.builder().dataDirectory(dir).secrets(secrets).listener(notifier.listener()).build();
    notifier.attach(executor);
  }

  @AfterEach
  void close() {
    executor.close();
    notifier.close();
    smtp.stop();
    receiver.close();
  }

  private Pipeline shop() {
    return PipelineFormat.YAML.read("""
        id: shop
        name: Shop
        parameters: [{ name: result, default: pass }]
        notify:
          - on: [failed, fixed]
            branches: [main]
            slack: { webhook_url: '${{ secrets.SLACK_WEBHOOK }}', channel: '#shop' }
          - on: [failed, fixed]
            branches: [main]
            pagerduty: { routing_key: '${{ secrets.PD_KEY }}', url: '%s' }
          - on: [failed, succeeded]
            webhook: { url: '%s', secret: '${{ secrets.HOOK_SECRET }}' }
          - on: [failed, succeeded]
            datadog: { api_key: '${{ secrets.DD_KEY }}', site: '%s', tags: 'team:shop' }
          - on: [failed]
            jira: { url: '%s', user: 'ci@example.org', token: '${{ secrets.JIRA_TOKEN }}', transition: '31' }
          - on: [failed]
            email: { host: 127.0.0.1, port: '%d', starttls: 'false', username: ci, password: '${{ secrets.SMTP_PASSWORD }}',
                     from: ci@example.org, to: 'team@example.org, lead@example.org' }
        stages:
          - id: build
            steps: [{ run: 'echo building' }]
          - id: test
            needs: [build]
            steps: [{ run: '[ "${{ params.result }}" = pass ]' }]
        """.formatted(receiver.url("/v2/enqueue"), receiver.url("/hooks/ci"), receiver.url(""), receiver.url("/jira"),
        smtp.getSmtp().getPort()));
  }

  private ExecutionSnapshot run(String branch, String result) throws Exception {
    ExecutionTrigger trigger = new ExecutionTrigger("push", Optional.of(branch), Optional.of("4f2a9c1e7b3d5a6f8e9d0c1b2a3f4e5d6c7b8a9f"),
        Optional.of("dana"), Map.of("message", "SHOP-12: pay with a saved card\n\nand SHOP-7 too", "author", "Dana <dana@example.org>"));
    return executor.execute(shop(), trigger, Map.of("result", result)).completion().get(60, TimeUnit.SECONDS);
  }

  /** The next {@code n} deliveries (they come on the notifier's thread, after the run). */
  private List<Delivery> next(int n) throws InterruptedException {
    List<Delivery> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Delivery d = delivered.poll(30, TimeUnit.SECONDS);
      assertThat(d).as("delivery %d of %d; so far %s", i + 1, n, out).isNotNull();
      out.add(d);
    }
    return out;
  }

  @Test
  void aFailureOnMainTellsEveryChannel_andTheNextGreenRunSaysFixedAndResolves() throws Exception {
    ExecutionSnapshot failed = run("main", "fail");
    assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
    List<Delivery> first = next(6);
    assertThat(first).extracting(Delivery::channel, Delivery::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("slack", "sent"), org.assertj.core.groups.Tuple.tuple("pagerduty", "sent"),
        org.assertj.core.groups.Tuple.tuple("webhook", "sent"), org.assertj.core.groups.Tuple.tuple("datadog", "sent"),
        org.assertj.core.groups.Tuple.tuple("jira", "sent"), org.assertj.core.groups.Tuple.tuple("email", "sent"));

    // Slack: an incoming webhook's JSON with text and Block Kit blocks, a button to the run
    Receiver.Request slack = receiver.at("/services/T0/B0/xyz").get(0);
    JsonNode s = slack.json();
    assertThat(s.path("text").asText()).isEqualTo("Shop #1 failed on main (test)");
    assertThat(s.path("channel").asText()).isEqualTo("#shop");
    assertThat(s.path("blocks").get(0).path("text").path("type").asText()).isEqualTo("mrkdwn");
    assertThat(s.path("blocks").toString()).contains("*Failed stages*\\ntest", "*Branch*\\nmain", "`4f2a9c1e7b3d` SHOP-12: pay with a saved card",
        "*Author*\\nDana &lt;dana@example.org&gt;");
    JsonNode button = s.path("blocks").get(2).path("elements").get(0);
    assertThat(button.path("type").asText()).isEqualTo("button");
    assertThat(button.path("url").asText()).isEqualTo("https://ci.example.org/#/executions/" + failed.id());

    // PagerDuty Events API v2: trigger with the routing key, a dedup key and the payload's required fields
    JsonNode trigger = receiver.at("/v2/enqueue").get(0).json();
    assertThat(trigger.path("routing_key").asText()).isEqualTo("R0UT1NGKEY");
    assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
    String dedup = trigger.path("dedup_key").asText();
    assertThat(dedup).isEqualTo("pipelinekit/shop/main");
    assertThat(trigger.path("payload").path("summary").asText()).isEqualTo("Shop #1 failed on main (test)");
    assertThat(trigger.path("payload").path("source").asText()).isEqualTo("pipelinekit/shop");
    assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("error");
    assertThat(trigger.path("links").get(0).path("href").asText()).endsWith(failed.id());

    // the webhook: the run as JSON, signed with HMAC-SHA256 of the body
    Receiver.Request hook = receiver.at("/hooks/ci").get(0);
    assertThat(hook.header("X-PipelineKit-Event")).isEqualTo("failed");
    assertThat(hook.header("X-PipelineKit-Signature-256")).isEqualTo("sha256=" + hmac("h00k-5ecret", hook.body()));
    assertThat(hook.json().path("failedStages").toString()).isEqualTo("[\"test\"]");
    assertThat(hook.json().path("commit").asText()).startsWith("4f2a9c1e");

    // Datadog: a v1 event and v2 series with the API key
    Receiver.Request event = receiver.at("/api/v1/events").get(0);
    assertThat(event.header("DD-API-KEY")).isEqualTo("dd-api-key");
    assertThat(event.json().path("alert_type").asText()).isEqualTo("error");
    assertThat(event.json().path("tags").toString()).contains("pipeline:shop", "branch:main", "team:shop");
    JsonNode series = receiver.at("/api/v2/series").get(0).json().path("series");
    assertThat(series.findValuesAsText("metric")).containsExactly("pipelinekit.run.duration", "pipelinekit.run.succeeded");
    assertThat(series.get(1).path("points").get(0).path("value").asDouble()).isZero();
    assertThat(series.get(0).path("type").asInt()).isEqualTo(3);

    // JIRA: a comment on each issue the commit message names, and the transition, with basic authentication
    List<String> jira = receiver.at("/jira").stream().map(r -> r.method() + " " + r.path()).toList();
    assertThat(jira).containsExactly("POST /jira/rest/api/2/issue/SHOP-12/comment", "POST /jira/rest/api/2/issue/SHOP-12/transitions",
        "POST /jira/rest/api/2/issue/SHOP-7/comment", "POST /jira/rest/api/2/issue/SHOP-7/transitions");
    assertThat(receiver.at("/jira").get(0).header("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("ci@example.org:j1ra-t0ken".getBytes(StandardCharsets.UTF_8)));
    assertThat(receiver.at("/jira").get(0).json().path("body").asText()).contains("Shop #1 failed on main", failed.id());
    assertThat(receiver.at("/jira").get(1).json().path("transition").path("id").asText()).isEqualTo("31");

    // email: to both, a text and an HTML part
    MimeMessage[] mails = smtp.getReceivedMessages();
    assertThat(mails).hasSize(2);
    assertThat(mails[0].getSubject()).isEqualTo("Shop #1 failed on main (test)");
    MimeMultipart parts = (MimeMultipart) mails[0].getContent();
    assertThat(parts.getContentType()).startsWith("multipart/alternative");
    assertThat(parts.getBodyPart(0).getContent().toString()).contains("Shop #1 failed on main (test)", "commit 4f2a9c1e7b3d");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(parts.getBodyPart(1).getContent().toString()).contains("<th align=\"left\">Failed stages</th><td>test</td>",
        "href=\"https://ci.example.org/#/executions/" + failed.id() + "\"");

    // the next green run on main: fixed on Slack, the incident resolved with the same key, success to the others
    ExecutionSnapshot green = run("main", "pass");
    assertThat(green.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    List<Delivery> second = next(4);
    assertThat(second).extracting(Delivery::channel, Delivery::event).containsExactly(
        org.assertj.core.groups.Tuple.tuple("slack", "fixed"), org.assertj.core.groups.Tuple.tuple("pagerduty", "fixed"),
        org.assertj.core.groups.Tuple.tuple("webhook", "succeeded"), org.assertj.core.groups.Tuple.tuple("datadog", "succeeded"));
    assertThat(receiver.at("/services/T0/B0/xyz").get(1).json().path("text").asText()).isEqualTo("Shop #2 is fixed on main");
    JsonNode resolve = receiver.at("/v2/enqueue").get(1).json();
    assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.path("dedup_key").asText()).isEqualTo(dedup);

    // a feature branch's failure: only the rules without branches
    run("feature/cards", "fail");
    assertThat(next(4)).extracting(Delivery::channel).containsExactly("webhook", "datadog", "jira", "email");
    assertThat(receiver.at("/services/T0/B0/xyz")).hasSize(2);
    assertThat(notifier.deliveries(green.id())).hasSize(4);
  }

  @Test
  void aDeliveryIsRetriedWhenThatMayHelp_notWhenItCannot_andNeverFailsTheRun() throws Exception {
    Pipeline p = PipelineFormat.YAML.read("""
        id: quiet
        notify:
          - on: [succeeded]
            webhook: { url: '%s' }
          - on: [succeeded]
            webhook: { url: '%s' }
          - on: [succeeded]
            pagerduty: { severity: critical }
          - on: [succeeded]
            teams: { url: 'https://example.org' }
        stages:
          - id: build
            steps: [{ run: 'true' }]
        """.formatted(receiver.url("/flaky"), receiver.url("/refuses")));
    receiver.answer("/flaky", 503, 502);
    receiver.answer("/refuses", 400, 400, 400);
    ExecutionSnapshot done = executor.execute(p).completion().get(60, TimeUnit.SECONDS);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    List<Delivery> d = next(4);
    assertThat(d.get(0)).satisfies(x -> {
      assertThat(x.outcome()).isEqualTo("sent");
      assertThat(x.attempts()).isEqualTo(3);
    });
    assertThat(d.get(1)).satisfies(x -> {
      assertThat(x.outcome()).isEqualTo("failed");
      assertThat(x.attempts()).as("a 400 is not retried").isEqualTo(1);
      assertThat(x.detail()).isEqualTo("127.0.0.1 answered 400: {\"error\": \"planned 400\"}");
    });
    assertThat(d.get(2).detail()).isEqualTo("pagerduty needs routing_key (notify: - pagerduty: {routing_key: ...})");
    assertThat(d.get(3).detail()).startsWith("no channel 'teams' here; the channels are [datadog, email, jira, pagerduty, slack, webhook]");
    assertThat(receiver.at("/flaky")).hasSize(3);
    assertThat(receiver.at("/refuses")).hasSize(1);
  }

  @Test
  void aRunsStartAndAnApprovalItWaitsForAreTold_andACancelledRunIsNotAFailure() throws Exception {
    Pipeline p = PipelineFormat.YAML.read("""
        id: gated
        notify:
          - on: [started, approval-waiting, cancelled, failed]
            webhook: { url: '%s' }
        stages:
          - id: deploy
            approval: { approvers: [ops] }
            steps: [{ run: 'true' }]
        """.formatted(receiver.url("/told")));
    var run = executor.execute(p);
    List<Delivery> first = next(2);
    assertThat(first).extracting(Delivery::event).containsExactly("started", "approval-waiting");
    assertThat(receiver.at("/told").get(1).json().path("waitingStage").asText()).isEqualTo("deploy");
    assertThat(receiver.at("/told").get(1).json().path("title").asText()).isEqualTo("gated #1 waits for approval of deploy");
    run.cancel("not today");
    assertThat(run.completion().get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(notifier.finished(run.id()).get(30, TimeUnit.SECONDS)).extracting(Delivery::event)
        .containsExactly("started", "approval-waiting", "cancelled");
  }

  private static String hmac(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
