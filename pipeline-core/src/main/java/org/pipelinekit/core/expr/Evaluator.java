package org.pipelinekit.core.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.expr.Node.Binary;
import org.pipelinekit.core.expr.Node.Call;
import org.pipelinekit.core.expr.Node.Literal;
import org.pipelinekit.core.expr.Node.Not;
import org.pipelinekit.core.expr.Node.Reference;

/** Evaluates a syntax tree against a context; see {@link Expression} for the semantics. */
final class Evaluator {
  private final String source;
  private final EvaluationContext context;

  Evaluator(String source, EvaluationContext context) {
    this.source = source;
    this.context = context;
  }

  @Nullable Object eval(Node n) {
    if (n instanceof Literal l) {
      return l.value();
    }
    if (n instanceof Reference r) {
      return context.lookup(r.path());
    }
    if (n instanceof Not not) {
      return !truthy(eval(not.operand()));
    }
    if (n instanceof Binary b) {
      return binary(b);
    }
    return call((Call) n);
  }

  private @Nullable Object binary(Binary b) {
    switch (b.operator()) {
      case AND: {
        Object left = eval(b.left());
        return truthy(left) ? eval(b.right()) : left;
      }
      case OR: {
        Object left = eval(b.left());
        return truthy(left) ? left : eval(b.right());
      }
      default:
        break;
    }
    Object l = eval(b.left());
    Object r = eval(b.right());
    return switch (b.operator()) {
      case EQ -> looseEquals(l, r);
      case NE -> !looseEquals(l, r);
      case LT -> compare(l, r) < 0;
      case LE -> compare(l, r) <= 0;
      case GT -> compare(l, r) > 0;
      case GE -> compare(l, r) >= 0;
      default -> throw new IllegalStateException(b.operator().name());
    };
  }

  private @Nullable Object call(Call c) {
    Functions.arityProblem(c.function(), c.arguments().size()).ifPresent(p -> {
      throw new ExpressionException(p, source, c.column());
    });
    List<Object> args = new ArrayList<>();
    switch (c.function()) {
      case "success": return context.upstreamSucceeded() && !context.cancelled();
      case "failure": return context.upstreamFailed();
      case "always": return true;
      case "cancelled": return context.cancelled();
      default: break;
    }
    for (Node a : c.arguments()) args.add(eval(a));
    switch (c.function()) {
      case "contains": {
        Object haystack = args.get(0);
        if (haystack instanceof List<?> list) {
          return list.stream().anyMatch(item -> looseEquals(item, args.get(1)));
        }
        return text(haystack).contains(text(args.get(1)));
      }
      case "startsWith": return text(args.get(0)).startsWith(text(args.get(1)));
      case "endsWith": return text(args.get(0)).endsWith(text(args.get(1)));
      case "join": {
        String sep = args.size() > 1 ? text(args.get(1)) : ",";
        Object v = args.get(0);
        if (v instanceof List<?> list) {
          return String.join(sep, list.stream().map(Evaluator::text).toList());
        }
        return text(v);
      }
      case "format": return format(text(args.get(0)), args.subList(1, args.size()), c);
      case "hashFiles": return context.hashFiles(args.stream().map(Evaluator::text).toList());
      case "minus": return number(args.get(0)) - number(args.get(1)); // (a quality gate's drop: no arithmetic operators)
      case "sarif": return context.sarif(text(args.get(0)), text(args.get(1)));
      case "added": return (double) added(args.get(0), args.get(1));
      default: throw new ExpressionException("unknown function " + c.function() + "()", source, c.column());
    }
  }

  /**
   * How many items of {@code now} are not in {@code before}: lists, or texts of one item a line (a unit-tests stage's
   * {@code failed_tests}), so {@code added(outputs.failed_tests, baseline.outputs.failed_tests)} counts new failures.
   */
  private static long added(Object now, Object before) {
    java.util.Set<String> old = new java.util.HashSet<>(items(before));
    return items(now).stream().distinct().filter(i -> !old.contains(i)).count();
  }

  private static List<String> items(Object v) {
    if (v == null) return List.of();
    if (v instanceof List<?> list) return list.stream().map(Evaluator::text).map(String::strip).filter(s -> !s.isEmpty()).toList();
    return text(v).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private String format(String pattern, List<Object> args, Call c) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '{' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
        sb.append('{');
        i++;
      } else if (ch == '}' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '}') {
        sb.append('}');
        i++;
      } else if (ch == '{') {
        int close = pattern.indexOf('}', i);
        int index;
        try {
          index = close < 0 ? -1 : Integer.parseInt(pattern.substring(i + 1, close));
        } catch (NumberFormatException e) {
          index = -1;
        }
        if (index < 0 || index >= args.size()) {
          throw new ExpressionException("format() pattern '" + pattern + "' has a bad placeholder at index " + i
              + " (there " + (args.size() == 1 ? "is 1 argument" : "are " + args.size() + " arguments") + ")", source, c.column());
        }
        sb.append(text(args.get(index)));
        i = close;
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  static boolean truthy(@Nullable Object v) {
    if (v == null) return false;
    if (v instanceof Boolean b) return b;
    if (v instanceof Number n) return n.doubleValue() != 0 && !Double.isNaN(n.doubleValue());
    if (v instanceof String s) return !s.isEmpty();
    return true;
  }

  /** The text of a value as a template writes it: null is empty, 2.0 is 2. */
  static String text(@Nullable Object v) {
    if (v == null) return "";
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    if (v instanceof List<?> list) {
      return String.join(",", list.stream().map(Evaluator::text).toList());
    }
    if (v instanceof Map<?, ?>) return v.toString();
    return v.toString();
  }

  private static boolean looseEquals(@Nullable Object l, @Nullable Object r) {
    if (l == null && r == null) return true;
    if (l instanceof String a && r instanceof String b) return a.equals(b);
    if (l instanceof Boolean a && r instanceof Boolean b) return a.equals(b);
    if (l instanceof List<?> || r instanceof List<?> || l instanceof Map<?, ?> || r instanceof Map<?, ?>) {
      return l == r;
    }
    double a = number(l);
    double b = number(r);
    return a == b;
  }

  /** Negative, zero or positive; NaN when the values cannot be ordered, which compares false. */
  private static double compare(@Nullable Object l, @Nullable Object r) {
    if (l instanceof String a && r instanceof String b) return Integer.signum(a.compareTo(b));
    double a = number(l);
    double b = number(r);
    if (Double.isNaN(a) || Double.isNaN(b)) return Double.NaN;
    return Double.compare(a, b);
  }

  static double number(@Nullable Object v) {
    if (v == null) return 0;
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof Boolean b) return b ? 1 : 0;
    if (v instanceof String s) {
      String t = s.strip();
      if (t.isEmpty()) return 0;
      try {
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
