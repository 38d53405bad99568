package org.pipelinekit.triggers;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the runs of a repository's commits are reported back: GitHub's statuses API ({@code POST
 * /repos/{owner}/{repo}/statuses/{sha}}) or GitLab's commit status API ({@code POST /projects/{id}/statuses/{sha}}), at
 * {@code api} (https://api.github.com, https://gitlab.example.com/api/v4, or a GitHub Enterprise /api/v3), for
 * {@code project} ({@code owner/repo}, or GitLab's project id or path), with the token kept in the secret store under
 * {@code tokenSecret}.
 */
public record CommitStatuses(String forge, URI api, String project, String tokenSecret) {
  public CommitStatuses {
    forge = Objects.requireNonNull(forge, "forge").toLowerCase(Locale.ROOT);
    if (!forge.equals("github") && !forge.equals("gitlab")) {
      throw new IllegalArgumentException("commit statuses go to github or gitlab, got '" + forge + "'");
    }
    Objects.requireNonNull(api, "api");
    if (project == null || project.isBlank()) throw new IllegalArgumentException("commit statuses need the project (owner/repo or id)");
    if (tokenSecret == null || tokenSecret.isBlank()) throw new IllegalArgumentException("commit statuses need the name of the secret that holds the token");
  }
}
