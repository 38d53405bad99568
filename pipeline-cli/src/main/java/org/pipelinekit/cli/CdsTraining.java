package org.pipelinekit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run for the CLI's class-data-sharing archive ({@code target/pipelinekit.jsa}, made at package time with
 * {@code -XX:ArchiveClassesAtExit}): the commands people run most and wait for — help, validate, plan, export — on a small
 * pipeline, so the classes they load are read from the archive instead of the jar. {@code scripts/run.sh} passes the
 * archive to the JVM; a JVM that cannot use it (another version) ignores it.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("pipelinekit-cds-");
    try {
      Path file = dir.resolve("pipeline.yaml");
      Files.writeString(file, """
          id: training
          parameters:
            - { name: target, default: staging }
          stages:
            - id: build
              steps: [{ run: echo build }]
              cache: [{ key: "deps-${{ hashFiles('*.lock') }}", paths: [deps] }]
              artifacts: { paths: [out] }
            - id: test
              needs: [build]
              matrix: { jdk: ["17", "21"] }
              steps: [{ run: "echo test ${{ matrix.jdk }}" }]
            - id: deploy
              needs: [test]
              when: "${{ branch == 'main' }}"
              steps: [{ run: "echo deploy ${{ parameters.target }}" }]
          """);
      PrintWriter quiet = new PrintWriter(Writer.nullWriter());
      UsageText.print(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      Main.run(quiet, quiet, "--help");
      Main.run(quiet, quiet, "validate", file.toString());
      Main.run(quiet, quiet, "plan", file.toString());
      Main.run(quiet, quiet, "export", file.toString(), "-f", "gha");
      Main.run(quiet, quiet, "validate", dir.resolve("missing.yaml").toString());
    } finally {
      org.pipelinekit.core.files.FileTrees.delete(dir);
    }
  }
}
