package org.pipelinekit.core.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * A string that may hold {@code ${{ expression }}} parts, such as a step's command or a cache key.
 * Parse errors report the column within the whole string.
 */
public final class Template {
  private static final String OPEN = "${{";
  private static final String CLOSE = "}}";

  private final String source;
  private final List<Object> parts; // String or Expression

  private Template(String source, List<Object> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /** Whether the text holds a {@code ${{}; cheaper than parsing when it does not. */
  public static boolean hasExpressions(String text) {
    return text.contains(OPEN);
  }

  public static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    int pos = 0;
    while (true) {
      int open = text.indexOf(OPEN, pos);
      if (open < 0) {
        if (pos < text.length()) parts.add(text.substring(pos));
        return new Template(text, parts);
      }
      if (open > pos) parts.add(text.substring(pos, open));
      int close = findClose(text, open + OPEN.length());
      if (close < 0) {
        throw new ExpressionException("'${{' is not closed with '}}'", text, open + 1);
      }
      parts.add(Expression.parse(text, open + OPEN.length(), close));
      pos = close + CLOSE.length();
    }
  }

  /** The text with each expression replaced by {@code placeholder}: what is fixed whatever the expressions give. */
  public String literal(String placeholder) {
    StringBuilder b = new StringBuilder();
    for (Object part : parts) b.append(part instanceof String s ? s : placeholder);
    return b.toString();
  }

  /** The index of the {@code }}} that closes an expression starting at {@code from}, skipping quoted strings. */
  private static int findClose(String text, int from) {
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (text.startsWith(CLOSE, i)) {
        return i;
      }
    }
    return -1;
  }

  public String source() {
    return source;
  }

  public List<Expression> expressions() {
    return parts.stream().filter(Expression.class::isInstance).map(Expression.class::cast).toList();
  }

  /** The text with every expression replaced by its value. */
  public String render(EvaluationContext context) {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      sb.append(p instanceof Expression e ? Evaluator.text(e.evaluate(context)) : (String) p);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return source;
  }
}
