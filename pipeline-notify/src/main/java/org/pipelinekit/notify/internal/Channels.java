package org.pipelinekit.notify.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.pipelinekit.core.model.NotifyRule.Event;
import org.pipelinekit.notify.DeliveryException;
import org.pipelinekit.notify.Notification;
import org.pipelinekit.notify.NotificationChannel;
import org.pipelinekit.notify.Settings;

/** The channels over HTTP, each sending what its vendor documents. */
public final class Channels {
  static final ObjectMapper JSON = new ObjectMapper();

  private Channels() {}

  public static List<NotificationChannel> http(Http http) {
    return List.of(new Slack(http), new Webhook(http), new PagerDuty(http), new Datadog(http), new Jira(http));
  }

  /** Fields every JSON body shares: the run as data. */
  static ObjectNode run(Notification n) {
    ObjectNode o = JSON.createObjectNode().put("event", n.event().id()).put("pipeline", n.pipelineId()).put("pipelineName", n.pipelineName())
        .put("execution", n.executionId()).put("number", n.number()).put("status", n.status()).put("time", n.time().toString())
        .put("title", n.title());
    n.branch().ifPresent(b -> o.put("branch", b));
    n.commit().ifPresent(c -> o.put("commit", c));
    n.author().ifPresent(a -> o.put("author", a));
    n.message().ifPresent(m -> o.put("message", m));
    n.waitingStage().ifPresent(s -> o.put("waitingStage", s));
    n.link().ifPresent(l -> o.put("link", l));
    n.duration().ifPresent(d -> o.put("durationMillis", d.toMillis()));
    n.failedStages().forEach(o.putArray("failedStages")::add);
    return o;
  }

  /** Slack's incoming webhook with a Block Kit message: the title, the branch, commit and author, the failed stages, a button to the run. */
  static final class Slack extends HttpChannel {
    Slack(Http http) {
      super("slack", http);
    }

    @Override
    public void send(Notification n, Settings s) throws Exception {
      String url = s.required("webhook_url");
      String icon = switch (n.event()) {
        case FAILED -> ":x:";
        case FIXED, SUCCEEDED -> ":white_check_mark:";
        case APPROVAL_WAITING -> ":hourglass:";
        default -> ":arrow_forward:";
      };
      ObjectNode body = JSON.createObjectNode().put("text", n.title()); // the notification's text where blocks are not shown
      s.optional("channel").ifPresent(c -> body.put("channel", c));
      ArrayNode blocks = body.putArray("blocks");
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", icon + " *" + escape(n.title()) + "*");
      ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
      field(fields, "Pipeline", n.pipelineName());
      n.branch().ifPresent(b -> field(fields, "Branch", b));
      n.shortCommit().ifPresent(c -> field(fields, "Commit", "`" + c + "`" + n.message().map(m -> " " + firstLine(m)).orElse("")));
      n.author().ifPresent(a -> field(fields, "Author", a));
      if (!n.failedStages().isEmpty()) field(fields, "Failed stages", String.join(", ", n.failedStages()));
      n.link().ifPresent(link -> {
        ObjectNode button = blocks.addObject().put("type", "actions").putArray("elements").addObject().put("type", "button").put("url", link);
        button.putObject("text").put("type", "plain_text").put("text", "Open run #" + n.number());
      });
      http.post(url, body.toString(), Map.of());
    }

    private static void field(ArrayNode fields, String name, String value) {
      fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + escape(value));
    }

    /** Slack's three escapes. */
    private static String escape(String text) {
      return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
  }

  /**
   * A generic webhook: the run as JSON, with {@code X-PipelineKit-Event}, a delivery id, and with a {@code secret} an
   * {@code X-PipelineKit-Signature-256: sha256=<hex>} HMAC-SHA256 of the body, as GitHub signs its webhooks.
   */
  static final class Webhook extends HttpChannel {
    Webhook(Http http) {
      super("webhook", http);
    }

    @Override
    public void send(Notification n, Settings s) throws Exception {
      String body = run(n).toString();
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("X-PipelineKit-Event", n.event().id());
      headers.put("X-PipelineKit-Delivery", UUID.randomUUID().toString());
      var secret = s.optional("secret");
      if (secret.isPresent()) headers.put("X-PipelineKit-Signature-256", "sha256=" + hmac(secret.get(), body));
      http.post(s.required("url"), body, headers);
    }

    static String hmac(String secret, String body) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * PagerDuty's Events API v2: a failure triggers an incident, a success or fix resolves it, both with the branch's dedup
   * key; other events are skipped.
   */
  static final class PagerDuty extends HttpChannel {
    PagerDuty(Http http) {
      super("pagerduty", http);
    }

    @Override
    public void send(Notification n, Settings s) throws Exception {
      String action = switch (n.event()) {
        case FAILED -> "trigger";
        case FIXED, SUCCEEDED -> "resolve";
        default -> throw new Skipped("PagerDuty is told failures and fixes, not " + n.event().id());
      };
      ObjectNode body = JSON.createObjectNode().put("routing_key", s.required("routing_key")).put("event_action", action)
          .put("dedup_key", n.dedupKey());
      if (action.equals("trigger")) {
        ObjectNode payload = body.putObject("payload").put("summary", n.title()).put("source", "pipelinekit/" + n.pipelineId())
            .put("severity", s.or("severity", "error")).put("timestamp", n.time().toString()).put("component", n.pipelineId());
        n.branch().ifPresent(b -> payload.put("group", b));
        payload.set("custom_details", run(n));
        n.link().ifPresent(l -> body.putArray("links").addObject().put("href", l).put("text", "Run #" + n.number()));
      }
      http.post(s.or("url", "https://events.pagerduty.com/v2/enqueue"), body.toString(), Map.of());
    }
  }

  /**
   * Datadog: an event (v1 {@code /api/v1/events}) and the run's duration and result as metrics (v2 {@code /api/v2/series}),
   * with the {@code DD-API-KEY} header; {@code site} is the API's address (default {@code https://api.datadoghq.com}).
   */
  static final class Datadog extends HttpChannel {
    Datadog(Http http) {
      super("datadog", http);
    }

    @Override
    public void send(Notification n, Settings s) throws Exception {
      String site = s.or("site", "https://api.datadoghq.com").replaceAll("/+$", "");
      Map<String, String> headers = Map.of("DD-API-KEY", s.required("api_key"));
      List<String> tags = tags(n, s);
      ObjectNode event = JSON.createObjectNode().put("title", n.title()).put("text", text(n)).put("alert_type", switch (n.event()) {
        case FAILED -> "error";
        case FIXED, SUCCEEDED -> "success";
        case CANCELLED, APPROVAL_WAITING -> "warning";
        default -> "info";
      }).put("source_type_name", "pipelinekit").put("aggregation_key", n.dedupKey()).put("date_happened", n.time().getEpochSecond());
      tags.forEach(event.putArray("tags")::add);
      http.post(site + "/api/v1/events", event.toString(), headers);
      if (n.event() == Event.FAILED || n.event() == Event.SUCCEEDED || n.event() == Event.FIXED) {
        ObjectNode series = JSON.createObjectNode();
        ArrayNode list = series.putArray("series");
        n.duration().ifPresent(d -> metric(list, "pipelinekit.run.duration", n, d.toMillis() / 1000.0, "seconds", tags));
        metric(list, "pipelinekit.run.succeeded", n, n.event() == Event.FAILED ? 0 : 1, null, tags);
        http.post(site + "/api/v2/series", series.toString(), headers);
      }
    }

    private static void metric(ArrayNode list, String name, Notification n, double value, String unit, List<String> tags) {
      ObjectNode m = list.addObject().put("metric", name).put("type", 3); // 3: gauge
      if (unit != null) m.put("unit", unit);
      m.putArray("points").addObject().put("timestamp", n.time().getEpochSecond()).put("value", value);
      tags.forEach(m.putArray("tags")::add);
    }

    private static List<String> tags(Notification n, Settings s) {
      List<String> tags = new java.util.ArrayList<>(List.of("pipeline:" + n.pipelineId(), "event:" + n.event().id(), "status:" + n.status()));
      n.branch().ifPresent(b -> tags.add("branch:" + b));
      s.optional("tags").ifPresent(t -> java.util.Arrays.stream(t.split(",")).map(String::strip).filter(x -> !x.isEmpty()).forEach(tags::add));
      return tags;
    }
  }

  /**
   * JIRA: a comment on every issue key found in the commit message ({@code SHOP-123}), with {@code transition} (an id) also
   * moving the issue; basic authentication with {@code user} and {@code token} (JIRA Cloud's API token), else a bearer
   * {@code token} (Data Center's personal access token). Skipped when the message names no issue.
   */
  static final class Jira extends HttpChannel {
    private static final Pattern KEY = Pattern.compile("\\b([A-Z][A-Z0-9]+-[1-9][0-9]*)\\b");
    Jira(Http http) {
      super("jira", http);
    }

    @Override
    public void send(Notification n, Settings s) throws Exception {
      Set<String> keys = new LinkedHashSet<>();
      Matcher m = KEY.matcher(n.message().orElse("") + " " + n.branch().orElse(""));
      while (m.find()) keys.add(m.group(1));
      if (keys.isEmpty()) throw new Skipped("the commit message names no JIRA issue");
      String base = s.required("url").replaceAll("/+$", "");
      String token = s.required("token");
      String auth = s.optional("user").map(u -> "Basic " + Base64.getEncoder().encodeToString((u + ":" + token).getBytes(StandardCharsets.UTF_8)))
          .orElse("Bearer " + token);
      Map<String, String> headers = Map.of("Authorization", auth, "Accept", "application/json");
      for (String key : keys) {
        ObjectNode comment = JSON.createObjectNode().put("body", n.title() + n.shortCommit().map(c -> " at " + c).orElse("")
            + n.link().map(l -> "\n" + l).orElse(""));
        http.post(base + "/rest/api/2/issue/" + key + "/comment", comment.toString(), headers);
        var transition = s.optional("transition");
        if (transition.isPresent()) {
          ObjectNode t = JSON.createObjectNode();
          t.putObject("transition").put("id", transition.get());
          http.post(base + "/rest/api/2/issue/" + key + "/transitions", t.toString(), headers);
        }
      }
    }
  }

  /** A channel that speaks JSON over HTTP: its name and the client. */
  abstract static class HttpChannel implements NotificationChannel {
    private final String id;
    final Http http;

    HttpChannel(String id, Http http) {
      this.id = id;
      this.http = http;
    }

    @Override
    public String id() {
      return id;
    }
  }

  /** A channel with nothing to say for this event: not a failure. */
  public static final class Skipped extends DeliveryException {
    private static final long serialVersionUID = 1L;

    public Skipped(String why) {
      super(why, false);
    }
  }

  static String text(Notification n) {
    StringBuilder sb = new StringBuilder(n.title());
    n.shortCommit().ifPresent(c -> sb.append("\ncommit ").append(c).append(n.message().map(m -> " " + firstLine(m)).orElse("")));
    n.author().ifPresent(a -> sb.append("\nby ").append(a));
    n.link().ifPresent(l -> sb.append("\n").append(l));
    return sb.toString();
  }

  static String firstLine(String text) {
    return text.lines().findFirst().orElse("").strip();
  }
}
