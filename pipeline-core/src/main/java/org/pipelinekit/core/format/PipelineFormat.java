package org.pipelinekit.core.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.files.TextFiles;
import org.pipelinekit.core.format.internal.HclWriter;
import org.pipelinekit.core.format.internal.PipelineDecoder;
import org.pipelinekit.core.format.internal.PipelineEncoder;
import org.pipelinekit.core.format.internal.TreeWriter;
import org.pipelinekit.core.model.Pipeline;

/**
 * The file forms of a pipeline. Writing is canonical — keys in a fixed order, defaults left out —
 * so export → import → export gives the same bytes. YAML and JSON read back; HCL is export-only.
 *
 * <pre>{@code
 * String yaml = PipelineFormat.YAML.write(pipeline);
 * Pipeline again = PipelineFormat.YAML.read(yaml);
 * }</pre>
 */
public enum PipelineFormat {
  YAML("yaml", "application/yaml"),
  JSON("json", "application/json"),
  HCL("hcl", "text/plain");

  private final String id;
  private final String mediaType;

  PipelineFormat(String id, String mediaType) {
    this.id = id;
    this.mediaType = mediaType;
  }

  public String id() {
    return id;
  }

  public String mediaType() {
    return mediaType;
  }

  public boolean canRead() {
    return this != HCL;
  }

  public String write(Pipeline pipeline) {
    var tree = PipelineEncoder.encode(pipeline);
    return switch (this) {
      case YAML -> TreeWriter.yaml(tree);
      case JSON -> TreeWriter.json(tree);
      case HCL -> HclWriter.write(tree);
    };
  }

  /**
   * Reads a pipeline.
   *
   * @throws PipelineFormatException with the line and column of every problem
   */
  public Pipeline read(String text) {
    return read(text, "");
  }

  /** Reads a pipeline; {@code source} (a file name) prefixes error messages. */
  public Pipeline read(String text, String source) {
    if (!canRead()) {
      throw new PipelineException(ErrorCode.FORMAT_NOT_READABLE, id + " is export-only; import YAML or JSON");
    }
    return PipelineDecoder.read(text, this == YAML, source);
  }

  /**
   * The line of {@code text} (in this format) that a validation problem's path points at, such as
   * {@code stages.test.needs[0]}: the deepest part of the path the text has. Empty when the text cannot be read or the
   * path is not in it at all.
   */
  public java.util.OptionalInt lineOf(String text, String path) {
    if (!canRead()) return java.util.OptionalInt.empty();
    return org.pipelinekit.core.format.internal.TreeLines.lineOf(text, this == YAML, path);
  }

  /** Reads a file, choosing the format by its extension (.yaml, .yml, .json). */
  public static Pipeline read(Path file) {
    PipelineFormat format = forFileName(file.getFileName().toString());
    try {
      return format.read(TextFiles.readUtf8(file), file.toString());
    } catch (TextFiles.NotUtf8Exception e) {
      throw new PipelineFormatException(file.toString(), List.of(new FormatProblem("", e.line(), e.column(), e.reason())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static PipelineFormat forFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return YAML;
    if (lower.endsWith(".json")) return JSON;
    if (lower.endsWith(".hcl")) return HCL;
    throw new PipelineException(ErrorCode.FORMAT_UNKNOWN, "cannot tell the format of '" + name + "'; name it .yaml, .yml or .json");
  }

  /** The format with this id ({@code yaml}, {@code json}, {@code hcl}), case-insensitive. */
  public static PipelineFormat of(String id) {
    for (PipelineFormat f : values()) {
      if (f.id.equalsIgnoreCase(id)) return f;
    }
    throw new PipelineException(ErrorCode.FORMAT_UNKNOWN, "unknown format '" + id + "'; use one of "
        + Arrays.stream(values()).map(PipelineFormat::id).collect(Collectors.joining(", ")));
  }
}
