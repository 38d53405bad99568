package org.pipelinekit.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.pipelinekit.core.files.TextFiles;
import org.pipelinekit.core.format.ReadLimits;

/**
 * Imports GitHub Actions workflows, GitLab CI files, Bitbucket Pipelines and declarative Jenkinsfiles as PipelineKit
 * pipelines, each with a report of what became of every source key ({@link ImportReport}). The pipeline is a draft:
 * validate it (the report says what was approximated). A file that is not a configuration of its kind throws
 * {@link ImportException} with the line and column.
 */
public final class CiImport {
  /** The source formats. */
  public enum Kind {
    GHA("a GitHub Actions workflow"), GITLAB("a GitLab CI file"), BITBUCKET("a Bitbucket Pipelines file"), JENKINS("a Jenkinsfile");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    /** What a file of this kind is, in words: "a GitHub Actions workflow". */
    public String title() {
      return title;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String id) {
      for (Kind k : values()) if (k.id().equals(id.toLowerCase(Locale.ROOT))) return k;
      throw new IllegalArgumentException("'" + id + "' is not an import format; use gha, gitlab, bitbucket or jenkins");
    }
  }

  private CiImport() {}

  /**
   * The kind of a file from its name and place alone: {@code Jenkinsfile}, {@code bitbucket-pipelines.yml},
   * {@code .gitlab-ci.yml} (or a file under {@code .gitlab/}), a file under {@code .github/workflows/}.
   */
  public static Optional<Kind> detectByName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String all = file.toAbsolutePath().normalize().toString().replace('\\', '/').toLowerCase(Locale.ROOT);
    if (name.startsWith("jenkinsfile") || name.endsWith(".jenkinsfile")) return Optional.of(Kind.JENKINS);
    if (name.startsWith("bitbucket-pipelines")) return Optional.of(Kind.BITBUCKET);
    if (name.endsWith(".gitlab-ci.yml") || name.endsWith(".gitlab-ci.yaml") || all.contains("/.gitlab/")) return Optional.of(Kind.GITLAB);
    if (all.contains("/.github/workflows/") && (name.endsWith(".yml") || name.endsWith(".yaml"))) return Optional.of(Kind.GHA);
    return Optional.empty();
  }

  /** The kind of a file from its name and place ({@link #detectByName}), else from its text. */
  public static Optional<Kind> detect(Path file, String text) {
    Optional<Kind> byName = detectByName(file);
    if (byName.isPresent()) return byName;
    if (text.contains("pipeline {") || text.contains("pipeline{")) return Optional.of(Kind.JENKINS);
    if (text.matches("(?s).*^pipelines:.*") || text.contains("\npipelines:")) return Optional.of(Kind.BITBUCKET);
    if (text.contains("\njobs:") && (text.contains("\non:") || text.startsWith("on:"))) return Optional.of(Kind.GHA);
    if (text.contains("\nstages:") || text.contains("script:")) return Optional.of(Kind.GITLAB);
    return Optional.empty();
  }

  public static ImportResult read(Path file, Optional<Kind> kind) throws IOException {
    String text;
    try {
      text = TextFiles.readUtf8(file);
    } catch (TextFiles.NotUtf8Exception e) {
      throw new ImportException(file.toString(), e.line(), e.column(), e.reason());
    }
    Kind k = kind.or(() -> detect(file, text)).orElseThrow(() -> new ImportException(file.toString(), 1, 1,
        "cannot tell what kind of CI file this is; say it with --from gha|gitlab|bitbucket|jenkins"));
    return read(text, file.toString(), k, Optional.ofNullable(file.toAbsolutePath().getParent()));
  }

  /** Imports {@code text}; {@code dir} is where GitLab's local includes are looked for. */
  public static ImportResult read(String text, String source, Kind kind, Optional<Path> dir) {
    ReadLimits.tooLarge(text).ifPresent(why -> {
      throw new ImportException(source, 1, 1, why);
    });
    return switch (kind) {
      case GHA -> GitHubActionsImporter.read(text, source);
      case GITLAB -> GitLabImporter.read(text, source, dir);
      case BITBUCKET -> BitbucketImporter.read(text, source);
      case JENKINS -> JenkinsImporter.read(text, source);
    };
  }

}
