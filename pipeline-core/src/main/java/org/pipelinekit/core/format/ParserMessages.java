package org.pipelinekit.core.format;

import java.util.regex.Pattern;

/** Jackson's parser messages in words for users: the first line only, with "start marker" notes as positions. */
public final class ParserMessages {
  private static final Pattern START_MARKER = Pattern.compile(
      "\\(start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]\\)");

  private ParserMessages() {}

  /** A Jackson message without its source description: its first line, start markers as "(opened at line L, column C)". */
  public static String clean(String message) {
    if (message == null) return "syntax error";
    int nl = message.indexOf('\n');
    String m = nl >= 0 ? message.substring(0, nl) : message;
    return START_MARKER.matcher(m.strip()).replaceAll("(opened at line $1, column $2)");
  }
}
