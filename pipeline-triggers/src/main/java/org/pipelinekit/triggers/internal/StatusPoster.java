package org.pipelinekit.triggers.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.triggers.CommitStatuses;

/**
 * Posts a commit status to GitHub or GitLab (JDK HTTP client): the documented request of each API, retried twice with a
 * growing pause when the forge fails or cannot be reached (never when it refuses the request), said in the log when it
 * gives up. Never throws; never blocks the caller.
 */
public final class StatusPoster {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusPoster.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ScheduledExecutorService worker;

  public StatusPoster(ScheduledExecutorService worker) {
    this.worker = worker;
  }

  /** The states of a run as the forges name them: pending, running, success, failure (GitLab: failed), error (GitLab: canceled). */
  public enum State { PENDING, RUNNING, SUCCESS, FAILURE, ERROR }

  public void post(CommitStatuses to, String token, String sha, State state, String context, String targetUrl, String description) {
    HttpRequest request = to.forge().equals("github") ? github(to, token, sha, state, context, targetUrl, description)
        : gitlab(to, token, sha, state, context, targetUrl, description);
    send(request, to.project() + "@" + sha.substring(0, Math.min(12, sha.length())) + " " + state, 0);
  }

  private void send(HttpRequest request, String what, int attempt) {
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, error) -> {
      boolean retry = error != null || r.statusCode() >= 500 || r.statusCode() == 429;
      if (!retry && r.statusCode() < 300) return;
      String why = error != null ? String.valueOf(error.getMessage()) : r.statusCode() + " " + r.body();
      if (retry && attempt < 2) {
        worker.schedule(() -> send(request, what, attempt + 1), 500L << attempt, TimeUnit.MILLISECONDS);
      } else {
        LOG.warn("commit status {} was not posted to {}: {}", what, request.uri(), why.length() > 300 ? why.substring(0, 300) : why);
      }
    });
  }

  private static HttpRequest github(CommitStatuses to, String token, String sha, State state, String context, String targetUrl,
      String description) {
    ObjectNode body = JSON.createObjectNode().put("state", switch (state) {
      case PENDING, RUNNING -> "pending";
      case SUCCESS -> "success";
      case FAILURE -> "failure";
      case ERROR -> "error";
    }).put("target_url", targetUrl).put("description", cut(description, 140)).put("context", context);
    return HttpRequest.newBuilder(URI.create(base(to) + "/repos/" + to.project() + "/statuses/" + sha)).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/vnd.github+json").header("Authorization", "Bearer " + token).header("X-GitHub-Api-Version", "2022-11-28")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
  }

  private static HttpRequest gitlab(CommitStatuses to, String token, String sha, State state, String context, String targetUrl,
      String description) {
    ObjectNode body = JSON.createObjectNode().put("state", switch (state) {
      case PENDING -> "pending";
      case RUNNING -> "running";
      case SUCCESS -> "success";
      case FAILURE -> "failed";
      case ERROR -> "canceled";
    }).put("name", context).put("target_url", targetUrl).put("description", cut(description, 255));
    String project = to.project().matches("\\d+") ? to.project() : URLEncoder.encode(to.project(), StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(URI.create(base(to) + "/projects/" + project + "/statuses/" + sha)).timeout(Duration.ofSeconds(30))
        .header("PRIVATE-TOKEN", token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
  }

  private static String base(CommitStatuses to) {
    return to.api().toString().replaceAll("/+$", "");
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
