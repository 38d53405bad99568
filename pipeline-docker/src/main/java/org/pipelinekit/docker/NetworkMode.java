package org.pipelinekit.docker;

/** The network of the containers {@link DockerRunner} starts. */
public enum NetworkMode {
  /** No network but the container's own loopback (the default): steps cannot reach anything. */
  NONE("none"),
  /** The host's network: steps reach what the host reaches, and listen on its ports. */
  HOST("host");

  private final String docker;

  NetworkMode(String docker) {
    this.docker = docker;
  }

  /** The engine's name for it. */
  public String docker() {
    return docker;
  }
}
