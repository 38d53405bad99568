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

  /**
   * {@code debug EXECUTION STAGE} after the run: the job's workspace made again (its kept one removed first) from the run's
   * source and the files the stage it needs handed on, and its environment rendered again, an earlier stage's output in it.
   */
  @Test
  void aFinishedRunsJobIsDebuggedInAWorkspaceMadeAgainFromItsInputs(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), """
        pipelinekit: 1
        id: fails
        env: { TOKEN: "${{ secrets.TOKEN }}" }
        stages:
          - id: build
            outputs: [version]
            artifacts: { paths: ["dist/*"] }
            steps:
              - run: mkdir -p dist && echo app-1.2.3 > dist/app.txt && echo "version=1.2.3" >> "$PIPELINE_OUTPUT"
          - id: test
            needs: [build]
            env: { VERSION: "${{ stages.build.outputs.version }}" }
            steps:
              - run: echo testing $VERSION; exit 3
        """);
    Files.writeString(dir.resolve("s.env"), "TOKEN=s3cr3t-value\n");
    Files.createDirectories(dir.resolve("ws"));
    Files.writeString(dir.resolve("ws/README"), "from the source\n");
    String java = JarCommands.java() + " -jar " + SharedDatabaseJarIT.JAR.toAbsolutePath();
    Process run = new ProcessBuilder(List.of("sh", "-c", java + " run p.yaml --secrets-file s.env --workspace ws --data-dir data"))
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String ran = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor()).as(ran).isEqualTo(1);
    org.pipelinekit.core.files.FileTrees.delete(dir.resolve("data/runs/fails-1/jobs")); // as if the kept workspace were gone

    Process p = new ProcessBuilder(List.of("script", "-qec", java + " debug --data-dir data --workspace ws --secrets-file s.env fails-1 test",
        "/dev/null")).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().write("cat dist/app.txt README\necho version=$VERSION token=$TOKEN\nexit\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("the job's workspace, made again in " + dir.resolve("data/debug/fails-1/test") + " from ws and the files of build")
        .contains("⌨ debug shell for test, which ended failure")
        .contains("app-1.2.3").contains("from the source") // the stage it needs handed it dist/, the source the rest
        .contains("version=1.2.3 token=***") // build's output, rendered again; the secret masked
        .doesNotContain("s3cr3t-value");
  }
}
