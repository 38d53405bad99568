package org.pipelinekit.triggers;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository registered with PipelineKit: its id, where to fetch it (a URL JGit reads, or a local path), the branch
 * that stands for it, the secret webhooks of its forge sign deliveries with, and how often to poll it ({@code Duration.ZERO}:
 * only webhooks). Its pipelines are the files of {@code .pipelinekit/} (YAML or JSON), read at the commit being built.
 */
public record GitRepository(String id, String url, String defaultBranch, Optional<String> webhookSecret, Duration pollInterval) {
  public GitRepository {
    if (id == null || !id.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException("a repository id is lower-case letters, digits, - and _ (such as 'shop-api'), got '" + id + "'");
    }
    if (url == null || url.isBlank()) throw new IllegalArgumentException("repository " + id + " needs a URL or a path to fetch");
    Objects.requireNonNull(defaultBranch, "defaultBranch");
    Objects.requireNonNull(webhookSecret, "webhookSecret");
    if (pollInterval == null || pollInterval.isNegative()) {
      throw new IllegalArgumentException("repository " + id + ": the poll interval must be zero (webhooks only) or more, got " + pollInterval);
    }
  }

  /** A repository polled every {@code pollInterval}, with {@code main} as its default branch and no webhook secret. */
  public static GitRepository polled(String id, String url, Duration pollInterval) {
    return new GitRepository(id, url, "main", Optional.empty(), pollInterval);
  }

  public GitRepository withWebhookSecret(String secret) {
    return new GitRepository(id, url, defaultBranch, Optional.of(secret), pollInterval);
  }
}
