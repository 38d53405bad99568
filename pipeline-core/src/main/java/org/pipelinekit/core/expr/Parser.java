package org.pipelinekit.core.expr;

import java.util.ArrayList;
import java.util.List;
import org.pipelinekit.core.format.ReadLimits;
import org.pipelinekit.core.expr.Node.Binary;
import org.pipelinekit.core.expr.Node.Call;
import org.pipelinekit.core.expr.Node.Literal;
import org.pipelinekit.core.expr.Node.Not;
import org.pipelinekit.core.expr.Node.Operator;
import org.pipelinekit.core.expr.Node.Reference;

/**
 * A recursive-descent parser over the text directly (no token list):
 *
 * <pre>
 * or      := and ('||' and)*
 * and     := eq ('&amp;&amp;' eq)*
 * eq      := cmp (('==' | '!=') cmp)*
 * cmp     := unary (('&lt;' | '&lt;=' | '&gt;' | '&gt;=') unary)*
 * unary   := '!' unary | primary
 * primary := literal | '(' or ')' | name '(' args ')' | name ('.' name | '[' string ']' | '[*]')*
 * </pre>
 *
 * The parser reads {@code source} from {@code start} to {@code end}; columns are 1-based within the
 * whole source, so an expression inside a {@code ${{ }}} template reports its column in the template.
 */
final class Parser {
  private final String source;
  private final String text;
  private int pos;
  /** How deep the tree being built is: nested parentheses, calls and '!', and each link of an operator chain. */
  private int depth;

  Parser(String source, int start, int end) {
    this.source = source;
    this.text = source.substring(0, end);
    this.pos = start;
  }

  Node parseAll() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("empty expression", pos);
    }
    Node n = or();
    skipSpace();
    if (pos < text.length()) {
      throw error("unexpected '" + text.charAt(pos) + "'", pos);
    }
    return n;
  }

  private Node or() {
    int links = 0;
    Node left = and();
    while (accept("||")) {
      int col = col(pos - 2);
      links += deeper(pos - 2);
      left = new Binary(Operator.OR, left, and(), col);
    }
    depth -= links;
    return left;
  }

  /** One level deeper, refused beyond {@link ReadLimits#MAX_EXPRESSION_DEPTH} (which keeps every walk of the tree off the stack's end). */
  private int deeper(int at) {
    if (++depth > ReadLimits.MAX_EXPRESSION_DEPTH) {
      throw error("the expression is nested more than " + ReadLimits.MAX_EXPRESSION_DEPTH
          + " deep (parentheses, '!' and chained operators); split it into smaller conditions or outputs", at);
    }
    return 1;
  }

  private Node and() {
    int links = 0;
    Node left = equality();
    while (accept("&&")) {
      int col = col(pos - 2);
      links += deeper(pos - 2);
      left = new Binary(Operator.AND, left, equality(), col);
    }
    depth -= links;
    return left;
  }

  private Node equality() {
    int links = 0;
    Node left = comparison();
    while (true) {
      int at = pos;
      if (accept("==")) {
        links += deeper(at);
        left = new Binary(Operator.EQ, left, comparison(), col(at));
      } else if (accept("!=")) {
        links += deeper(at);
        left = new Binary(Operator.NE, left, comparison(), col(at));
      } else {
        depth -= links;
        return left;
      }
    }
  }

  private Node comparison() {
    int links = 0;
    Node left = unary();
    while (true) {
      int at = pos;
      Operator op;
      if (accept("<=")) op = Operator.LE;
      else if (accept(">=")) op = Operator.GE;
      else if (accept("<")) op = Operator.LT;
      else if (accept(">")) op = Operator.GT;
      else {
        depth -= links;
        return left;
      }
      links += deeper(at);
      skipSpace();
      left = new Binary(op, left, unary(), col(at));
    }
  }

  private Node unary() {
    skipSpace();
    int at = pos;
    if (peek('!') && !peekAt(pos + 1, '=')) {
      pos++;
      deeper(at);
      Node not = new Not(unary(), col(at));
      depth--;
      return not;
    }
    return primary();
  }

  private Node primary() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("expression ends where a value was expected", pos);
    }
    int at = pos;
    char c = text.charAt(pos);
    if (c == '(') {
      pos++;
      deeper(at);
      Node inner = or();
      depth--;
      skipSpace();
      if (!peek(')')) {
        throw error("missing ')' to close the '(' at column " + col(at), pos);
      }
      pos++;
      return inner;
    }
    if (c == '\'' || c == '"') {
      return new Literal(string(), col(at));
    }
    if (Character.isDigit(c) || (c == '-' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
      return number();
    }
    if (isNameStart(c)) {
      String name = name();
      switch (name) {
        case "true": return new Literal(Boolean.TRUE, col(at));
        case "false": return new Literal(Boolean.FALSE, col(at));
        case "null": return new Literal(null, col(at));
        default: break;
      }
      skipSpace();
      if (peek('(')) {
        pos++;
        deeper(at);
        List<Node> args = new ArrayList<>();
        skipSpace();
        if (!peek(')')) {
          do {
            args.add(or());
            skipSpace();
          } while (accept(","));
          if (!peek(')')) {
            throw error("missing ')' to close the call of " + name + "()", pos);
          }
        }
        pos++;
        depth--;
        return new Call(name, args, col(at));
      }
      List<String> path = new ArrayList<>();
      path.add(name);
      while (true) {
        if (peek('.')) {
          pos++;
          if (pos >= text.length() || !isNamePart(text.charAt(pos))) {
            throw error("a name must follow '.'", pos);
          }
          path.add(name());
        } else if (peek('[')) {
          pos++;
          skipSpace();
          if (peek('*')) { // every one: a matrix stage's outputs, job by job
            pos++;
            path.add("*");
          } else if (!(peek('\'') || peek('"'))) {
            throw error("only a quoted name or * can go between [ and ], as in outputs['my-output'] or outputs[*].coverage", pos);
          } else {
            path.add(string());
          }
          skipSpace();
          if (!peek(']')) {
            throw error("missing ']'", pos);
          }
          pos++;
        } else {
          break;
        }
      }
      return new Reference(path, col(at));
    }
    throw error("unexpected '" + c + "'", pos);
  }

  private String string() {
    char quote = text.charAt(pos);
    int start = pos;
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("string is not closed", start);
      }
      char c = text.charAt(pos);
      if (c == quote) {
        if (peekAt(pos + 1, quote)) { // '' inside '...' is one quote
          sb.append(quote);
          pos += 2;
          continue;
        }
        pos++;
        return sb.toString();
      }
      sb.append(c);
      pos++;
    }
  }

  private Literal number() {
    int start = pos;
    if (peek('-')) pos++;
    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) pos++;
    String n = text.substring(start, pos);
    try {
      return n.contains(".") ? new Literal(Double.parseDouble(n), col(start)) : new Literal(Long.parseLong(n), col(start));
    } catch (NumberFormatException e) {
      throw error("'" + n + "' is not a number", start);
    }
  }

  private String name() {
    int start = pos;
    while (pos < text.length() && isNamePart(text.charAt(pos))) pos++;
    return text.substring(start, pos);
  }

  private static boolean isNameStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isNamePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  private boolean accept(String token) {
    skipSpace();
    if (text.startsWith(token, pos)) {
      pos += token.length();
      return true;
    }
    return false;
  }

  private boolean peek(char c) {
    return peekAt(pos, c);
  }

  private boolean peekAt(int i, char c) {
    return i < text.length() && text.charAt(i) == c;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
  }

  private int col(int index) {
    return index + 1;
  }

  private ExpressionException error(String reason, int index) {
    return new ExpressionException(reason, source, col(index));
  }
}
