package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The designer in a real browser: the shaded jar serves under {@code /ci}, and {@code e2e/designer.e2e.mjs}
 * (playwright-core driving Debian's {@code /usr/bin/chromium}) builds, saves, runs and inspects a pipeline through the
 * pages, then opens a 500-stage pipeline. Screenshots and {@code result.json} land in {@code target/e2e}.
 * {@code -Dpipelinekit.browser.skip=true} skips it where there is no Chromium.
 */
class DesignerBrowserIT {
  private static final Path JAR = Path.of("target/pipelinekit.jar");
  private static final Path FRONTEND = Path.of("../pipeline-web/src/main/frontend").toAbsolutePath().normalize();
  private static final Path OUT = Path.of("target/e2e").toAbsolutePath();

  @Test
  void designerExecutionLogsAndAnalyticsInChromium(@TempDir Path dir) throws Exception {
    if (Boolean.getBoolean("pipelinekit.browser.skip")) Assumptions.abort("browser tests skipped by -Dpipelinekit.browser.skip=true");
    Path chromium = Path.of(System.getenv().getOrDefault("PIPELINEKIT_CHROMIUM", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium)).as(chromium + " is missing: scripts/test.sh installs Debian's chromium"
        + " (apt-get install chromium), or skip with -Dpipelinekit.browser.skip=true").isTrue();
    assertThat(FRONTEND.resolve("node_modules/playwright-core")).as("pipeline-web's build runs npm install").isDirectory();
    Path pipelines = Files.createDirectories(dir.resolve("no-pipelines"));

    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "serve",
        "--port", "0", "--path", "/ci", "--data-dir", dir.resolve("data").toString(), "--pipelines", pipelines.toString(), "--token", "e2e-token")
        .redirectErrorStream(true).start();
    StringBuilder serverLog = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String page = null;
      for (String line = lines.readLine(); line != null && page == null; line = lines.readLine()) {
        serverLog.append(line).append('\n');
        Matcher m = Pattern.compile("serving on (http://\\S+/ci/) ").matcher(line);
        if (m.find()) page = m.group(1);
      }
      assertThat(page).as("the server says where it serves the designer: " + serverLog).isNotNull();
      CompletableFuture.runAsync(() -> lines.lines().forEach(l -> serverLog.append(l).append('\n')));

      Files.createDirectories(OUT);
      Process node = new ProcessBuilder("node", "e2e/designer.e2e.mjs", page, "e2e-token", OUT.toString())
          .directory(FRONTEND.toFile()).redirectErrorStream(true).start();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
      System.out.println(output);
      assertThat(node.exitValue()).as("the browser run failed:\n" + output + "\nserver:\n" + serverLog).isZero();

      JsonNode result = new ObjectMapper().readTree(OUT.resolve("result.json").toFile());
      assertThat(result.path("ok").asBoolean()).isTrue();
      assertThat(result.path("steps")).hasSize(11);
      for (String shot : new String[] {"designer.png", "designer-cycle-refused.png", "execution-running.png", "execution.png", "logs.png",
          "dry-run.png", "analytics.png", "designer-500.png"}) {
        assertThat(OUT.resolve(shot)).as("screenshot " + shot).isNotEmptyFile();
      }
      JsonNode big = result.path("big");
      assertThat(big.path("ready").asText()).startsWith("500 stages in ");
      System.out.println("500-stage pipeline: opened in " + big.path("openMs") + " ms (" + big.path("ready").asText() + " after the request),"
          + " longest main-thread task " + big.path("longestTaskMs") + " ms, selecting a stage " + big.path("selectMs") + " ms");
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
