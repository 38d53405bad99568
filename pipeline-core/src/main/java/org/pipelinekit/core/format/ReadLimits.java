package org.pipelinekit.core.format;

import java.util.Locale;
import java.util.Optional;

/**
 * The limits every reader of untrusted text applies (pipeline YAML and JSON, CI files, expressions),
 * in one place so that no reader is forgotten: the size is checked before any parsing, YAML aliases
 * may not expand a small file into a huge tree, and nesting is bounded so that no reader recurses
 * into a stack overflow.
 */
public final class ReadLimits {
  /**
   * The largest document read, in characters: 1 MiB, 18 times the largest real CI file we have seen (57 KB). SnakeYAML
   * reads a long token in time that grows with its square (its reader copies its window for every 1,024 characters: a
   * quoted 1 MB value takes 0.4 s, 3 MB 2.5 s, 8 MB a minute), so the cap is what bounds the CPU one document can take.
   */
  public static final int MAX_DOCUMENT_CHARS = 1024 * 1024;
  /** The most values a YAML document may hold once its aliases are expanded. */
  public static final int MAX_EXPANDED_VALUES = 1_000_000;
  /** The most aliases one YAML document may use. */
  public static final int MAX_ALIASES = 10_000;
  /** The deepest nesting of YAML or JSON collections. */
  public static final int MAX_NESTING = 200;
  /** The deepest nesting of an expression (parentheses, '!', and chains of operators). */
  public static final int MAX_EXPRESSION_DEPTH = 256;

  private ReadLimits() {}

  /** Why a document of this length cannot be read, or empty when it can. */
  public static Optional<String> tooLarge(CharSequence text) {
    if (text.length() <= MAX_DOCUMENT_CHARS) return Optional.empty();
    return Optional.of(String.format(Locale.ROOT, "the document is larger than %s (it has %s); a pipeline or CI file this big is "
        + "not read — move large values into files the steps read", mebibytes(MAX_DOCUMENT_CHARS), mebibytes(text.length())));
  }

  private static String mebibytes(long chars) {
    return String.format(Locale.ROOT, "%.1f MiB", chars / (1024.0 * 1024.0)).replace(".0 ", " ");
  }
}
