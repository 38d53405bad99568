package org.pipelinekit.core.format;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Parser messages in words for users: Jackson's first line with positions, SnakeYAML's problems as what to change. */
public final class ParserMessages {
  private static final Pattern START_MARKER = Pattern.compile(
      "\\(start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]\\)");

  private ParserMessages() {}

  /** A Jackson message without its source description: its first line, start markers as "(opened at line L, column C)". */
  public static String clean(String message) {
    if (message == null) return "syntax error";
    int nl = message.indexOf('\n');
    String m = nl >= 0 ? message.substring(0, nl) : message;
    m = START_MARKER.matcher(m.strip()).replaceAll("(opened at line $1, column $2)");
    if (m.startsWith("Expected a field name") && m.contains("MappingStartEvent")) {
      return "'{' starts a map where a name or text was expected; to write braces in text (such as {{ }}), put the value in quotes";
    }
    if (m.startsWith("Expected a field name") && m.contains("SequenceStartEvent")) {
      return "'[' starts a list where a name or text was expected; to write brackets in text, put the value in quotes";
    }
    return m;
  }

  /**
   * SnakeYAML's problem (and the construct it was reading, which starts at {@code contextLine}/{@code contextColumn}, 1-based)
   * as the change to make: "malformed YAML: " then the words.
   */
  public static String yaml(@Nullable String problem, @Nullable String context, int contextLine, int contextColumn) {
    String p = problem == null ? "unreadable" : problem.strip();
    String opened = context == null ? "" : " (opened at line " + contextLine + ", column " + contextColumn + ")";
    String block = context == null ? "" : " (the block starts at line " + contextLine + ", column " + contextColumn + ")";
    String words;
    if (p.startsWith("mapping values are not allowed")) {
      words = "a ': ' inside a value that is not quoted; put the value in quotes";
    } else if (p.contains("'\\t(TAB)'") || p.contains("\\t")) {
      words = "a tab indents this line; YAML indents with spaces only";
    } else if (p.startsWith("expected <block end>") || p.startsWith("could not find expected ':'")
        && context != null && context.contains("simple key")) {
      words = p.startsWith("could not find") ? "line " + contextLine + " (from column " + contextColumn + ") is neither 'key: value'"
          + " nor '- item' like the lines around it; add the ':' or join it to the value above"
          : "this line's indentation does not line up with the block it belongs to" + block + "; indent it like that block's other entries";
    } else if (p.startsWith("expected ',' or ']'")) {
      words = "a '[' list is not closed" + opened + "; end it with ']' (or quote a value that starts with '[')";
    } else if (p.startsWith("expected ',' or '}'")) {
      words = "a '{' map is not closed" + opened + "; end it with '}' (or quote a value that starts with '{')";
    } else if (p.startsWith("found unexpected end of stream") && context != null && context.contains("quoted scalar")) {
      words = "a quoted value is never closed" + opened + "; add the closing quote";
    } else if (p.startsWith("sequence entries are not allowed here")) {
      words = "a '- ' item cannot follow 'key:' on the same line; put it on the next line, indented under the key";
    } else if (p.startsWith("unexpected character found *") || p.startsWith("unexpected character found &")) {
      words = "'" + p.charAt("unexpected character found ".length()) + "' starts an alias or anchor here; put the value in quotes";
    } else if (p.startsWith("found undefined alias")) {
      words = "'*" + p.substring("found undefined alias".length()).strip() + "' names no anchor; define it first with '&name'";
    } else if (p.startsWith("found unknown escape character")) {
      words = "a '\\' escape double quotes do not know" + " (" + p.substring("found unknown escape character".length()).strip()
          + "); use single quotes, or write '\\\\' for a backslash";
    } else if (p.startsWith("found character '@'") || p.startsWith("found character '`'")) {
      words = "a value cannot start with " + p.substring("found character ".length(), "found character ".length() + 3)
          + "; put the value in quotes";
    } else {
      words = p.replace("<block mapping start>", "a new 'key:' entry").replace("<block sequence start>", "a new '- ' item")
          .replace("<block end>", "the end of the block").replace("<stream end>", "the end of the file")
          .replace("<scalar>", "a value") + (context == null ? "" : " (" + context + " at line " + contextLine + ", column "
          + contextColumn + ")");
    }
    return "malformed YAML: " + words;
  }
}
