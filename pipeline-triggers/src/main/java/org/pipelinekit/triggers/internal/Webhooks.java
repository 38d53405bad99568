package org.pipelinekit.triggers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads the webhook deliveries of GitHub, GitLab, Gitea/Forgejo and Bitbucket Cloud: checks each forge's proof (an
 * HMAC-SHA256 signature of the body, or GitLab's token) against the repository's secret in constant time, and turns the
 * push, tag and pull/merge request events into one shape.
 */
public final class Webhooks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Webhooks() {}

  /** The forges read here. */
  public static final java.util.List<String> FORGES = java.util.List.of("github", "gitlab", "gitea", "forgejo", "bitbucket");

  /** A delivery in one shape: a push (ref, before, after), a pull request (number, head and base), a ping, or one not read. */
  public record Hook(String kind, String deliveryId, String ref, Optional<String> before, String after, Optional<String> actor,
      Optional<String> compareUrl, Optional<String> number, Optional<String> baseBranch, String why) {
    static Hook other(String deliveryId, String why) {
      return new Hook("other", deliveryId, "", Optional.empty(), "", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), why);
    }
  }

  /** Thrown when the delivery's proof does not match the secret (401), or the delivery cannot be read (400). */
  public static final class Refused extends Exception {
    public final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  public static Hook read(String forge, String secret, Function<String, Optional<String>> header, byte[] body) throws Refused {
    String f = forge.toLowerCase(Locale.ROOT);
    switch (f) {
      case "github" -> verifyHmac(header.apply("X-Hub-Signature-256"), "sha256=", secret, body, "X-Hub-Signature-256");
      case "gitea", "forgejo" -> verifyHmac(header.apply("X-Gitea-Signature").or(() -> header.apply("X-Forgejo-Signature")), "", secret, body,
          "X-Gitea-Signature");
      case "bitbucket" -> verifyHmac(header.apply("X-Hub-Signature"), "sha256=", secret, body, "X-Hub-Signature");
      case "gitlab" -> {
        byte[] token = header.apply("X-Gitlab-Token").orElse("").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, secret.getBytes(StandardCharsets.UTF_8))) {
          throw new Refused(401, "the X-Gitlab-Token header does not match the repository's webhook secret");
        }
      }
      default -> throw new Refused(404, "no webhook for '" + forge + "'; PipelineKit reads " + String.join(", ", FORGES));
    }
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new Refused(400, "the delivery's body is not JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) throw new Refused(400, "the delivery's body is not a JSON object");
    return switch (f) {
      case "github", "gitea", "forgejo" -> github(f, header, n);
      case "gitlab" -> gitlab(header, n);
      default -> bitbucket(header, n);
    };
  }

  private static void verifyHmac(Optional<String> given, String prefix, String secret, byte[] body, String name) throws Refused {
    if (given.isEmpty()) throw new Refused(401, "the delivery has no " + name + " header; set the webhook's secret at the forge");
    String expected = prefix + hmac(secret, body);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.get().strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      throw new Refused(401, "the " + name + " signature does not match the body and the repository's webhook secret");
    }
  }

  /** HMAC-SHA256 of the body under the secret, in lower-case hex. */
  public static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }

  private static Hook github(String forge, Function<String, Optional<String>> header, JsonNode n) {
    String giteaPrefix = forge.equals("github") ? "X-GitHub-" : "X-Gitea-";
    String event = header.apply(giteaPrefix + "Event").or(() -> header.apply("X-Forgejo-Event")).orElse("");
    String delivery = header.apply(giteaPrefix + "Delivery").or(() -> header.apply("X-Forgejo-Delivery")).orElse("");
    switch (event) {
      case "ping" -> {
        return new Hook("ping", delivery, "", Optional.empty(), "", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "ping");
      }
      case "push", "create" -> {
        if (event.equals("create") || n.path("deleted").asBoolean()) return Hook.other(delivery, "a ref was " + (event.equals("create") ? "created" : "deleted"));
        return new Hook("push", delivery, n.path("ref").asText(), text(n, "before"), n.path("after").asText(),
            text(n.path("pusher"), "name").or(() -> text(n.path("pusher"), "login")), text(n, "compare").or(() -> text(n, "compare_url")),
            Optional.empty(), Optional.empty(), "push");
      }
      case "pull_request" -> {
        String action = n.path("action").asText();
        if (!java.util.Set.of("opened", "synchronize", "synchronized", "reopened").contains(action)) {
          return Hook.other(delivery, "pull request " + action + " (runs start when one is opened, reopened or updated)");
        }
        JsonNode pr = n.path("pull_request");
        return new Hook("pull-request", delivery, "refs/heads/" + pr.path("head").path("ref").asText(), Optional.empty(),
            pr.path("head").path("sha").asText(), text(n.path("sender"), "login"), text(pr, "html_url"), Optional.of(pr.path("number").asText()),
            text(pr.path("base"), "ref"), "pull request " + action);
      }
      default -> {
        return Hook.other(delivery, "the " + event + " event starts nothing");
      }
    }
  }

  private static Hook gitlab(Function<String, Optional<String>> header, JsonNode n) {
    String event = header.apply("X-Gitlab-Event").orElse("");
    String delivery = header.apply("X-Gitlab-Event-UUID").or(() -> header.apply("Idempotency-Key")).orElse("");
    switch (event) {
      case "Push Hook", "Tag Push Hook" -> {
        String after = n.path("after").asText();
        if (after.matches("0+")) return Hook.other(delivery, "a ref was deleted");
        return new Hook("push", delivery, n.path("ref").asText(), text(n, "before"), after, text(n, "user_username").or(() -> text(n, "user_name")),
            Optional.empty(), Optional.empty(), Optional.empty(), event);
      }
      case "Merge Request Hook" -> {
        JsonNode mr = n.path("object_attributes");
        String action = mr.path("action").asText();
        if (!java.util.Set.of("open", "update", "reopen").contains(action)) {
          return Hook.other(delivery, "merge request " + action + " (runs start when one is opened, reopened or updated)");
        }
        return new Hook("pull-request", delivery, "refs/heads/" + mr.path("source_branch").asText(), Optional.empty(),
            mr.path("last_commit").path("id").asText(), text(n.path("user"), "username"), text(mr, "url"), Optional.of(mr.path("iid").asText()),
            text(mr, "target_branch"), "merge request " + action);
      }
      default -> {
        return Hook.other(delivery, "the " + event + " event starts nothing");
      }
    }
  }

  private static Hook bitbucket(Function<String, Optional<String>> header, JsonNode n) {
    String event = header.apply("X-Event-Key").orElse("");
    String delivery = header.apply("X-Request-UUID").or(() -> header.apply("X-Hook-UUID")).orElse("");
    switch (event) {
      case "repo:push" -> {
        JsonNode change = n.path("push").path("changes").path(0);
        JsonNode to = change.path("new");
        if (to.isMissingNode() || to.isNull()) return Hook.other(delivery, "a ref was deleted");
        String ref = (to.path("type").asText().equals("tag") ? "refs/tags/" : "refs/heads/") + to.path("name").asText();
        return new Hook("push", delivery, ref, text(change.path("old").path("target"), "hash"), to.path("target").path("hash").asText(),
            text(n.path("actor"), "display_name"), text(change.path("links").path("html"), "href"), Optional.empty(), Optional.empty(), event);
      }
      case "pullrequest:created", "pullrequest:updated" -> {
        JsonNode pr = n.path("pullrequest");
        return new Hook("pull-request", delivery, "refs/heads/" + pr.path("source").path("branch").path("name").asText(), Optional.empty(),
            pr.path("source").path("commit").path("hash").asText(), text(n.path("actor"), "display_name"),
            text(pr.path("links").path("html"), "href"), Optional.of(pr.path("id").asText()), text(pr.path("destination").path("branch"), "name"),
            event);
      }
      default -> {
        return Hook.other(delivery, "the " + event + " event starts nothing");
      }
    }
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
  }
}
