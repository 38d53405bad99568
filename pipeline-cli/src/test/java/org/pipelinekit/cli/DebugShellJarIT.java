package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --debug-on-failure} with the jar on a pseudo-terminal (util-linux's {@code script}), typed at as a person
 * would: the shell opens in the failed job's workspace with its step's environment, runs commands there, and what it
 * prints has the run's secrets masked.
 */
class DebugShellJarIT {
  @Test
  void aFailedJobOpensAShellInItsWorkspace_withItsEnvironment_andSecretsMasked(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), """
        pipelinekit: 1
        id: fails
        env: { TOKEN: "${{ secrets.TOKEN }}", TARGET: staging }
        stages:
          - id: build
            steps:
              - name: compile
                run: echo building; echo half-built > out.txt; exit 3
        """);
    Files.writeString(dir.resolve("s.env"), "TOKEN=s3cr3t-value\n");
    Files.createDirectories(dir.resolve("ws"));
    String jar = SharedDatabaseJarIT.JAR.toAbsolutePath().toString();
    String command = JarCommands.java() + " -jar " + jar + " run p.yaml --debug-on-failure --secrets-file s.env --workspace ws"
        + " --data-dir data";
    Process p = new ProcessBuilder(List.of("script", "-qec", command, "/dev/null")).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().write("cat out.txt\necho token=$TOKEN target=$TARGET\npwd\nexit 7\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as("the run failed: " + out).isEqualTo(1);
    assertThat(out).contains("⌨ debug shell for build, whose step 'compile' failed: in " + dir.resolve("data/runs/fails-1/jobs/build"))
        .contains("half-built") // a file the failed step wrote, read in its workspace
        .contains("token=*** target=staging") // the step's environment, its secret masked
        .contains(dir.resolve("data/runs/fails-1/jobs/build").toString())
        .contains("⌨ debug shell ended (7)")
        .doesNotContain("s3cr3t-value");
  }
}
