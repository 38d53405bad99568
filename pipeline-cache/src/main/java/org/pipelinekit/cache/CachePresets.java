package org.pipelinekit.cache;

import java.util.List;
import java.util.Map;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.model.CacheSpec;

/**
 * Ready-made dependency caches: the key template, restore-key prefix and paths each tool needs.
 * {@code stage("build", s -> s.cache(CachePresets.maven()).run("mvn -B verify"))}.
 */
public final class CachePresets {
  private CachePresets() {}

  /** ~/.m2/repository, keyed on every pom.xml. */
  public static CacheSpec maven() {
    return spec("maven", "hashFiles('**/pom.xml')", "~/.m2/repository");
  }

  /** Gradle's caches and wrapper distributions, keyed on the build scripts and wrapper properties. */
  public static CacheSpec gradle() {
    return spec("gradle", "hashFiles('**/*.gradle*', '**/gradle-wrapper.properties', '**/gradle/libs.versions.toml')",
        "~/.gradle/caches", "~/.gradle/wrapper");
  }

  /** npm's download cache (~/.npm), keyed on package-lock.json. */
  public static CacheSpec npm() {
    return spec("npm", "hashFiles('**/package-lock.json')", "~/.npm");
  }

  /** pip's download cache, keyed on requirements files. */
  public static CacheSpec pip() {
    return spec("pip", "hashFiles('**/requirements*.txt', '**/pyproject.toml')", "~/.cache/pip");
  }

  /** Go's module and build caches, keyed on go.sum. */
  public static CacheSpec go() {
    return spec("go", "hashFiles('**/go.sum')", "~/go/pkg/mod", "~/.cache/go-build");
  }

  /** Every preset by name, for the designer's library. */
  public static Map<String, CacheSpec> all() {
    return Map.of("maven", maven(), "gradle", gradle(), "npm", npm(), "pip", pip(), "go", go());
  }

  private static CacheSpec spec(String tool, String hash, String... paths) {
    String prefix = tool + "-${{ runner.os }}-";
    return new CacheSpec(prefix + "${{ " + hash + " }}", List.of(prefix), List.of(paths), CacheScope.BRANCH);
  }
}
