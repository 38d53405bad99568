package org.pipelinekit.core.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Marks every process of a step in its environment, so that it can be found however it left the
 * step's session or tree: {@code PIPELINEKIT_PROCESS_OWNER} names the host (its JVM's pid and start
 * time) and {@code PIPELINEKIT_PROCESS_STEP} the step. The kernel keeps the mark in
 * {@code /proc/<pid>/environ} for as long as the process lives, which makes it the durable record of a
 * step's processes: it survives a crash of the host, costs no write that could fail, and can be read
 * only for processes of the host's own user. A double-forked daemon ({@code setsid cmd &} in a
 * subshell) carries it too; only a process that replaces its whole environment loses it.
 *
 * <p>Used on cancel and timeout (every process of the step), and when a runner starts (the leftovers
 * of hosts that died: marked with an owner whose JVM no longer runs; never a live host's).
 */
final class ProcessTags {
  static final String OWNER = "PIPELINEKIT_PROCESS_OWNER";
  static final String STEP = "PIPELINEKIT_PROCESS_STEP";
  private static final Path PROC = Path.of("/proc");

  private ProcessTags() {}

  /** This host's mark: the JVM's pid and start time, so a reused pid is not mistaken for it. */
  static String self() {
    return owner(ProcessHandle.current());
  }

  private static String owner(ProcessHandle h) {
    return h.pid() + "@" + h.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("?");
  }

  static String newStep() {
    return UUID.randomUUID().toString();
  }

  /** Whether this system lets a host read its processes' environments ({@code /proc}). */
  static boolean available() {
    return Files.isReadable(PROC.resolve("self").resolve("environ"));
  }

  /** The processes whose mark {@code key} has a value {@code matching}; processes of other users cannot be read and are never found. */
  static List<ProcessHandle> find(String key, Predicate<String> matching) {
    List<ProcessHandle> found = new ArrayList<>();
    if (!available()) return found;
    long me = ProcessHandle.current().pid();
    byte[] prefix = (key + "=").getBytes(StandardCharsets.US_ASCII);
    ProcessHandle.allProcesses().filter(h -> h.pid() != me).forEach(h -> {
      value(h.pid(), prefix).filter(matching).ifPresent(v -> found.add(h));
    });
    return found;
  }

  private static Optional<String> value(long pid, byte[] prefix) {
    byte[] env;
    try {
      env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | SecurityException e) {
      return Optional.empty(); // gone meanwhile, or another user's
    }
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start >= prefix.length && java.util.Arrays.equals(env, start, start + prefix.length, prefix, 0, prefix.length)) {
          return Optional.of(new String(env, start + prefix.length, i - start - prefix.length, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return Optional.empty();
  }

  /** Whether the host that made a mark still runs. */
  static boolean alive(String owner) {
    int at = owner.indexOf('@');
    if (at < 0) return false;
    try {
      long pid = Long.parseLong(owner.substring(0, at));
      return ProcessHandle.of(pid).map(h -> owner(h).equals(owner)).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Signals every process of a step: TERM, or KILL when {@code forcibly}; returns how many there were. */
  static int signalStep(String step, boolean forcibly) {
    List<ProcessHandle> found = find(STEP, step::equals);
    found.forEach(h -> {
      if (forcibly) h.destroyForcibly();
      else h.destroy();
    });
    return found.size();
  }

  /** Kills the processes left by hosts that died (marked with an owner whose JVM no longer runs); returns how many. */
  static int killLeftoversOfDeadHosts() {
    List<ProcessHandle> found = find(OWNER, owner -> !alive(owner));
    found.forEach(ProcessHandle::destroyForcibly);
    return found.size();
  }
}
