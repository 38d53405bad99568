package org.pipelinekit.dsl.code;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/**
 * Pipelines as code, in every form PipelineKit reads or writes: the file formats of pipeline-core
 * (YAML, JSON, HCL) plus Kotlin DSL scripts and Java builder source.
 *
 * <pre>{@code
 * String kotlin = PipelineCode.kotlin(pipeline);              // a .pipeline.kts script
 * String java = PipelineCode.java(pipeline, "com.acme", "CiPipeline");
 * List<Pipeline> back = PipelineCode.readJava(java, "CiPipeline.java");  // without compiling it
 * }</pre>
 */
public final class PipelineCode {
  /** Every format name {@link #export} takes. */
  public static final List<String> FORMATS = List.of("yaml", "json", "hcl", "kotlin", "java");

  private PipelineCode() {}

  /** The pipeline as a {@code .pipeline.kts} script; evaluating it gives the same pipeline. */
  public static String kotlin(Pipeline pipeline) {
    return kotlin(List.of(pipeline));
  }

  /** Several pipelines in one script. */
  public static String kotlin(List<Pipeline> pipelines) {
    pipelines.forEach(p -> noNotifyRules(p, "Kotlin"));
    return KotlinExporter.export(pipelines);
  }

  /** The builders have no notify rules yet: a pipeline with some is refused rather than exported without them. */
  private static void noNotifyRules(Pipeline p, String language) {
    if (!p.notifications().isEmpty()) {
      throw new org.pipelinekit.core.PipelineException(org.pipelinekit.core.ErrorCode.EXPORT_UNFIT, "pipeline " + p.id() + " has "
          + p.notifications().size() + " notify rule(s), which " + language + " code cannot express yet; keep it as YAML or JSON");
    }
  }

  /** The pipeline as a Java class with a static method returning it, built with the fluent builder. */
  public static String java(Pipeline pipeline, String packageName, String className) {
    return java(List.of(pipeline), packageName, className);
  }

  public static String java(List<Pipeline> pipelines, String packageName, String className) {
    pipelines.forEach(p -> noNotifyRules(p, "Java"));
    return JavaExporter.export(packageName, className, pipelines);
  }

  /**
   * Reads the pipelines built in Java source, without compiling it.
   *
   * @throws PipelineException {@code JAVA_IMPORT_INVALID} listing, with line numbers, every construct
   *     that is not literal
   */
  public static List<Pipeline> readJava(String source, String name) {
    return JavaImporter.read(source, name);
  }

  /** {@code yaml}, {@code json}, {@code hcl}, {@code kotlin} or {@code java}. */
  public static String export(Pipeline pipeline, String format) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "kotlin", "kts" -> kotlin(pipeline);
      case "java" -> java(pipeline, "", className(pipeline.id()));
      default -> PipelineFormat.of(format).write(pipeline);
    };
  }

  /**
   * Reads a pipeline file of any form, by its name: {@code .pipeline.kts} (evaluated with
   * {@code scripts}), {@code .java} (read statically), {@code .yaml}/{@code .yml}/{@code .json}.
   */
  public static List<Pipeline> read(Path file, PipelineScriptHost scripts) {
    return read(file, () -> scripts);
  }

  /**
   * As {@link #read(Path, PipelineScriptHost)}, asking for the script host only for a {@code .pipeline.kts}: the Kotlin
   * compiler and standard library are loaded for scripts alone (a host may leave them off its class path).
   */
  public static List<Pipeline> read(Path file, java.util.function.Supplier<PipelineScriptHost> scripts) {
    String name = file.getFileName().toString();
    if (name.endsWith(".kts")) return scripts.get().evaluate(file);
    if (name.endsWith(".java")) {
      try {
        return readJava(org.pipelinekit.core.files.TextFiles.readUtf8(file), file.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return List.of(PipelineFormat.read(file));
  }

  /** A Java class name for a pipeline id: {@code java-ci} → {@code JavaCiPipeline}. */
  public static String className(String id) {
    StringBuilder sb = new StringBuilder();
    boolean up = true;
    for (char c : id.toCharArray()) {
      if (!Character.isLetterOrDigit(c)) {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    if (sb.length() == 0 || !Character.isJavaIdentifierStart(sb.charAt(0))) sb.insert(0, 'P');
    return sb + "Pipeline";
  }
}
