package org.pipelinekit.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.spi.StepRequest;

/**
 * A host that starts a long step in a container and is then killed with SIGKILL by
 * {@link OrphanSweepIT}, leaving the container behind. Prints {@code started} once the step runs.
 */
public final class DockerCrashHost {
  private DockerCrashHost() {}

  public static void main(String[] args) throws Exception {
    DockerRunner runner = DockerRunner.builder().pullPolicy(PullPolicy.NEVER).removeOrphans(false).build();
    Path dir = Files.createTempDirectory("crash-host-");
    runner.start(new StepRequest("echo up; sleep 300", Map.of(), dir, Optional.of(args[0]), Optional.empty(),
        Map.of("pipelinekit.execution", "crash-test")), line -> {
          if (line.equals("up")) {
            System.out.println("started");
            System.out.flush();
          }
        });
    Thread.sleep(Long.MAX_VALUE); // until killed
  }
}
