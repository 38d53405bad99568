package org.pipelinekit.core.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.spi.Runner;

class LocalProcessRunnerTest extends RunnerCompatibilityKit {
  @Override
  protected Runner createRunner() {
    return new LocalProcessRunner();
  }

  @Test
  void processesLeftInTheBackgroundAreKilledWhenTheStepEnds() throws Exception {
    long start = System.nanoTime();
    Result r = run("sleep 120 & echo $! > bg; echo done", Map.of());
    assertThat(r.lines()).containsExactly("done");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    long pid = Long.parseLong(Files.readString(workdir.resolve("bg")).strip());
    assertThat(allGone(List.of(pid))).isTrue();
  }

  @Test
  void processesLeftInTheBackgroundWithoutTheOutputAreKilledToo() throws Exception {
    Result r = run("sleep 120 > /dev/null 2>&1 & echo $! > bg; echo done", Map.of());
    assertThat(r.lines()).containsExactly("done");
    long pid = Long.parseLong(Files.readString(workdir.resolve("bg")).strip());
    assertThat(allGone(List.of(pid))).isTrue();
  }

  @Test
  void homeAndPathComeFromTheHost() throws Exception {
    Result r = run("echo \"$HOME\"; echo \"$PATH\"", Map.of());
    assertThat(r.lines()).containsExactly(System.getenv().getOrDefault("HOME", System.getProperty("user.home")),
        System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
  }
}
