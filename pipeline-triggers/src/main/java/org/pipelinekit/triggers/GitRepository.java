package org.pipelinekit.triggers;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository registered with PipelineKit: its id, where to fetch it (a URL JGit reads, or a local path), the branch
 * that stands for it, the secret webhooks of its forge sign deliveries with, and how often to poll it ({@code Duration.ZERO}:
 * only webhooks), where its runs are reported back ({@link CommitStatuses}) and the secret holding the credentials to
 * fetch it. Its pipelines are the files of {@code .pipelinekit/} (YAML or JSON), read at the commit being built.
 */
public record GitRepository(String id, String url, String defaultBranch, Optional<String> webhookSecret, Duration pollInterval,
    Optional<CommitStatuses> statuses, Optional<String> credentialsSecret) {
  public GitRepository(String id, String url, String defaultBranch, Optional<String> webhookSecret, Duration pollInterval) {
    this(id, url, defaultBranch, webhookSecret, pollInterval, Optional.empty(), Optional.empty());
  }

  public GitRepository {
    Objects.requireNonNull(statuses, "statuses");
    Objects.requireNonNull(credentialsSecret, "credentialsSecret");
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

  /**
   * A git repository on this host's disk (a developer's checkout), polled every {@code pollInterval}: its id made from
   * the directory's name, its default branch the one checked out there.
   */
  public static GitRepository local(java.nio.file.Path dir, Duration pollInterval) throws java.io.IOException {
    java.nio.file.Path abs = dir.toAbsolutePath().normalize();
    String branch;
    try (org.eclipse.jgit.lib.Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder().findGitDir(abs.toFile()).build()) {
      if (r.getDirectory() == null) throw new java.io.IOException(abs + " is not a git repository; run git init there first");
      branch = r.getBranch() != null ? r.getBranch() : "main";
    } catch (IllegalArgumentException e) {
      throw new java.io.IOException(abs + " is not a git repository; run git init there first", e);
    }
    String name = abs.getFileName() == null ? "repository" : abs.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[^a-z0-9]+", "");
    return new GitRepository(name.isEmpty() ? "repository" : name, abs.toString(), branch, Optional.empty(), pollInterval);
  }

  /** What is checked out in a git working copy: the branch (empty on a detached HEAD) and the commit. */
  public record Checkout(Optional<String> branch, String commit) {}

  /** The branch and commit checked out in the git repository {@code dir} is in; empty when it is in none (or has no commit). */
  public static Optional<Checkout> checkedOut(java.nio.file.Path dir) {
    try (org.eclipse.jgit.lib.Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
        .findGitDir(dir.toAbsolutePath().normalize().toFile()).setMustExist(true).build()) {
      org.eclipse.jgit.lib.ObjectId head = r.resolve("HEAD");
      if (head == null) return Optional.empty();
      String full = r.getFullBranch();
      return Optional.of(new Checkout(full != null && full.startsWith("refs/heads/") ? Optional.of(r.getBranch()) : Optional.empty(),
          head.name()));
    } catch (IllegalArgumentException | java.io.IOException notARepository) {
      return Optional.empty();
    }
  }

  public GitRepository withWebhookSecret(String secret) {
    return new GitRepository(id, url, defaultBranch, Optional.of(secret), pollInterval, statuses, credentialsSecret);
  }

  /** The same repository, its runs reported back to the forge as commit statuses. */
  public GitRepository withStatuses(CommitStatuses statuses) {
    return new GitRepository(id, url, defaultBranch, webhookSecret, pollInterval, Optional.of(statuses), credentialsSecret);
  }

  /**
   * The same repository, fetched with the credentials in the secret store under {@code secret}: {@code user:password},
   * or a token alone (sent as the password, as GitHub, GitLab and Gitea take access tokens).
   */
  public GitRepository withCredentials(String secret) {
    return new GitRepository(id, url, defaultBranch, webhookSecret, pollInterval, statuses, Optional.of(secret));
  }
}
