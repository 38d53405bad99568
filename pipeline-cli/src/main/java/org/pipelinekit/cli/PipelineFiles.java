package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.files.FileErrors;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.imports.CiImport;
import org.pipelinekit.imports.ImportReport;
import org.pipelinekit.imports.ImportResult;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.code.PipelineCode;
import org.pipelinekit.dsl.script.PipelineScriptException;
import org.pipelinekit.dsl.script.PipelineScriptHost;
import org.pipelinekit.dsl.script.ScriptProblem;

/**
 * Reads pipeline files for the commands — YAML, JSON, {@code .pipeline.kts} scripts and Java builder
 * source — printing problems the way compilers do: {@code file:line:column: message}.
 *
 * <p>Compiled scripts are cached under {@code $PIPELINEKIT_SCRIPT_CACHE}, else
 * {@code $XDG_CACHE_HOME/pipelinekit/scripts}, else {@code ~/.cache/pipelinekit/scripts}; the system
 * property {@code pipelinekit.scriptCache} overrides both.
 */
final class PipelineFiles {
  static final String KINDS = ".pipeline.kts, .java, .yaml, .yml or .json; or a CI file to import (--from, or found by name)";

  private static @Nullable PipelineScriptHost scripts;

  private PipelineFiles() {}

  /** Every pipeline the file defines (a script or Java class may define several). */
  static Optional<List<Pipeline>> readAll(Path file, PrintWriter err) {
    return readAll(file, null, err);
  }

  /**
   * Every pipeline the file defines; a CI file of another system ({@code from}, or known by its name and place:
   * {@code .github/workflows/*.yml}, {@code .gitlab-ci.yml}, {@code bitbucket-pipelines.yml}, {@code Jenkinsfile}) is
   * imported, its report's summary and what was not carried over printed to {@code err}.
   */
  static Optional<List<Pipeline>> readAll(Path file, CiImport.@Nullable Kind from, PrintWriter err) {
    if (!Files.isRegularFile(file)) {
      err.println(file + (Files.isDirectory(file) ? ": is a directory; name a pipeline file in it" : ": no such file"));
      return Optional.empty();
    }
    try {
      Optional<CiImport.Kind> kind = from != null ? Optional.of(from) : CiImport.detectByName(file);
      if (kind.isPresent()) {
        ImportResult imported = CiImport.read(file, kind);
        ImportReport r = imported.report();
        err.println(r.render().lines().findFirst().orElse(""));
        r.entries().stream().filter(e -> e.outcome() == ImportReport.Outcome.UNSUPPORTED).limit(20)
            .forEach(e -> err.println("  " + e));
        err.println("  (pipelinekit import " + file + " prints the whole report)");
        err.flush();
        return Optional.of(List.of(imported.pipeline()));
      }
      return Optional.of(PipelineCode.read(file, PipelineFiles::scripts));
    } catch (PipelineFormatException e) {
      for (FormatProblem p : e.problems()) {
        err.println(file + ":" + p.line() + ":" + p.column() + ": error: " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
      }
      // and what the later phases find in the rest, so one pass shows every problem
      for (org.pipelinekit.core.validate.Problem p : org.pipelinekit.core.validate.PipelineValidator.create().validateRest(e)) {
        err.println(ValidateCommand.line(file.toString(), p));
      }
      foreignHint(file).ifPresent(err::println);
    } catch (NoClassDefFoundError e) { // the Kotlin side jar is not beside the CLI's
      err.println(file + ": error: " + KotlinSideJar.missing());
    } catch (PipelineScriptException e) {
      for (ScriptProblem p : e.getProblems()) err.println(p);
    } catch (java.io.IOException e) {
      err.println(file + ": error: cannot read it: " + FileErrors.describe(e));
    } catch (PipelineException | UncheckedIOException e) {
      String message = String.valueOf(e.getMessage());
      err.println(message.startsWith(file.toString()) ? message : file + ": error: " + message);
    }
    return Optional.empty();
  }

  /** When a file our format refuses reads like another system's CI file: how to import it instead. */
  private static Optional<String> foreignHint(Path file) {
    try {
      String text = Files.readString(file);
      // our own files say pipelinekit: or id: at the top; GitLab's stages: alone would read like ours
      if (text.matches("(?s)(.*\n)?(pipelinekit|id):.*")) return Optional.empty();
      return CiImport.detect(file, text).map(k -> file + ": note: this reads like " + k.title() + "; read it as one with --from " + k.id());
    } catch (java.io.IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /**
   * The one pipeline the command works on: the file's only pipeline, or the one named {@code id} when
   * it defines several.
   */
  static Optional<Pipeline> read(Path file, @Nullable String id, PrintWriter err) {
    return read(file, id, null, err);
  }

  static Optional<Pipeline> read(Path file, @Nullable String id, CiImport.@Nullable Kind from, PrintWriter err) {
    Optional<List<Pipeline>> all = readAll(file, from, err);
    if (all.isEmpty()) return Optional.empty();
    List<Pipeline> pipelines = all.get();
    List<String> ids = pipelines.stream().map(Pipeline::id).toList();
    if (id != null) {
      Optional<Pipeline> named = pipelines.stream().filter(p -> p.id().equals(id)).findFirst();
      if (named.isEmpty()) err.println(file + ": error: no pipeline '" + id + "' here; the file defines " + ids);
      return named;
    }
    if (pipelines.size() > 1) {
      err.println(file + ": error: the file defines " + pipelines.size() + " pipelines " + ids + "; choose one with --pipeline ID");
      return Optional.empty();
    }
    return Optional.of(pipelines.get(0));
  }

  private static synchronized PipelineScriptHost scripts() {
    if (scripts == null) scripts = new PipelineScriptHost(cacheDirectory());
    return scripts;
  }

  static Path cacheDirectory() {
    String configured = System.getProperty("pipelinekit.scriptCache", System.getenv("PIPELINEKIT_SCRIPT_CACHE"));
    if (configured != null && !configured.isBlank()) return Path.of(configured);
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("pipelinekit").resolve("scripts");
  }
}
