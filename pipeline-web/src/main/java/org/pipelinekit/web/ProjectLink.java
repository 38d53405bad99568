package org.pipelinekit.web;

import java.util.Objects;

/**
 * A project a host serves, as {@code GET api/v1/projects} lists it: its name and the path its designer and API are
 * served under ({@code /projects/web/}; the default project's is the servlet's own). A project is a space of its own —
 * its pipelines, executions, logs, secrets, environments, caches, artifacts and audit log in stores no other project's
 * servlet reads — so a host that serves several mounts one {@code PipelineKitServlet} per project.
 */
public record ProjectLink(String name, String path) {
  public ProjectLink {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
  }
}
