package org.pipelinekit.cli;

import java.nio.file.Path;

/**
 * The CLI jar leaves the Kotlin compiler and standard library (two thirds of the whole) to {@code pipelinekit-kotlin.jar},
 * which its manifest's Class-Path names: the JVM opens it only when a class is not in the main jar, so only a
 * {@code .pipeline.kts} (or Kotlin in serve) needs it there.
 */
final class KotlinSideJar {
  static final String NAME = "pipelinekit-kotlin.jar";

  private KotlinSideJar() {}

  /** What to do when a Kotlin class is missing: where the side jar belongs. */
  static String missing() {
    String beside = "beside the pipelinekit jar";
    try {
      Path jar = Path.of(KotlinSideJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (jar.toString().endsWith(".jar") && jar.getParent() != null) beside = "at " + jar.getParent().resolve(NAME);
    } catch (Exception unknown) {
      // (said without the path)
    }
    return "Kotlin scripts need " + NAME + " " + beside + " (it is built with the CLI: mvn -pl pipeline-cli -am package);"
        + " YAML, JSON and Java pipelines need nothing more";
  }
}
