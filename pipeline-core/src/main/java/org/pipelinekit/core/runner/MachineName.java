package org.pipelinekit.core.runner;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** For runners: this machine's name, as runners write it into what they own (container labels, pod labels). */
public final class MachineName {
  private MachineName() {}

  /** The machine's host name, else {@code $HOSTNAME}, else {@code localhost}. */
  public static String get() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
  }
}
