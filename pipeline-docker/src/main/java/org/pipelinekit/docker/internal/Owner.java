package org.pipelinekit.docker.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * Who owns a container: this machine's name, the host process's pid and its start time, written
 * into the {@code pipelinekit.owner} label. A container whose owner process on this machine is gone
 * (the host crashed or was killed) is an orphan and is removed by the next runner that starts.
 */
public record Owner(String host, long pid, long startedMillis) {
  public static final String LABEL = "pipelinekit.owner";
  public static final String MANAGED = "pipelinekit.managed";

  public static Owner self() {
    ProcessHandle me = ProcessHandle.current();
    return new Owner(hostName(), me.pid(), me.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }

  public String label() {
    return host + "/" + pid + "/" + startedMillis;
  }

  public static Optional<Owner> parse(String label) {
    String[] parts = label == null ? new String[0] : label.split("/");
    if (parts.length != 3) return Optional.empty();
    try {
      return Optional.of(new Owner(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether this owner ran on the given machine and its process is gone. */
  public boolean isGoneFrom(String machine) {
    if (!host.equals(machine)) return false; // another machine's host: its own sweeper decides
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    return process.isEmpty() || !process.get().isAlive()
        || process.get().info().startInstant().map(Instant::toEpochMilli).map(t -> t != startedMillis).orElse(false);
  }

  public static String hostName() {
    return org.pipelinekit.core.runner.MachineName.get();
  }
}
