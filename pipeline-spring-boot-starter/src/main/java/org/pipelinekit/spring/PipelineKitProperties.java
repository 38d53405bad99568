package org.pipelinekit.spring;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code pipelinekit.*}: where PipelineKit keeps its data, how many jobs run at once, where its API and designer are served. */
@ConfigurationProperties(prefix = "pipelinekit")
public class PipelineKitProperties {
  /** Where pipelines, executions, logs and workspaces are kept (default: pipelinekit under the user's state directory). */
  private Path dataDir = Path.of(System.getProperty("user.home"), ".local", "state", "pipelinekit");

  /** How many jobs run at once (default: the number of processors, at least 2). */
  private Integer maxParallelJobs;

  private final Web web = new Web();

  private final Jdbc jdbc = new Jdbc();

  /** How long the application's shutdown waits for running executions to end before it cancels them. */
  private java.time.Duration shutdownTimeout = java.time.Duration.ofSeconds(30);

  public java.time.Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(java.time.Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Integer getMaxParallelJobs() {
    return maxParallelJobs;
  }

  public void setMaxParallelJobs(Integer maxParallelJobs) {
    this.maxParallelJobs = maxParallelJobs;
  }

  public Web getWeb() {
    return web;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public static class Jdbc {
    /**
     * Whether pipelines, executions and logs go to the application's DataSource (PostgreSQL) when pipeline-jdbc is on the
     * class path; false keeps them in files under the data directory.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code pipelinekit.web.*}: the servlet. */
  public static class Web {
    /** Where the designer is served; the API is under api/v1 below it. */
    private String path = "/ci";

    /** Whether the servlet is registered at all. */
    private boolean enabled = true;

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
