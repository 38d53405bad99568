package org.pipelinekit.core.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.expr.Node.Binary;
import org.pipelinekit.core.expr.Node.Call;
import org.pipelinekit.core.expr.Node.Not;
import org.pipelinekit.core.expr.Node.Reference;

/**
 * A parsed expression, as written in {@code when:} and inside {@code ${{ }}}: literals, references
 * ({@code params.x}, {@code env.X}, {@code stages.build.outputs.version}, {@code branch}),
 * {@code == != < <= > >= && || !}, parentheses and the calls listed in {@link Functions}.
 *
 * <p>Semantics follow GitHub Actions, except that string comparison is case-sensitive: values of
 * the same type compare directly; otherwise both sides become numbers ({@code null} → 0, booleans →
 * 1/0, non-numeric strings → NaN, which compares false). {@code &&} and {@code ||} return an operand.
 * Falsy values are {@code null}, {@code false}, {@code 0} and {@code ''}.
 */
public final class Expression {
  private final String source;
  private final Node root;

  private Expression(String source, Node root) {
    this.source = source;
    this.root = root;
  }

  /** Parses an expression; errors name the 1-based column. */
  public static Expression parse(String text) {
    Objects.requireNonNull(text, "text");
    return new Expression(text, new Parser(text, 0, text.length()).parseAll());
  }

  /** Parses the part of {@code source} from {@code start} to {@code end}; columns count from the start of source. */
  static Expression parse(String source, int start, int end) {
    return new Expression(source.substring(start, end).strip(), new Parser(source, start, end).parseAll());
  }

  /**
   * Parses a condition as written in {@code when:}: a bare expression, or one wrapped whole in
   * {@code ${{ }}}.
   */
  public static Expression parseCondition(String text) {
    String t = text.strip();
    if (t.startsWith("${{") && t.endsWith("}}") && t.indexOf("${{", 3) < 0) {
      int start = text.indexOf("${{") + 3;
      int end = text.lastIndexOf("}}");
      return parse(text, start, end);
    }
    return parse(text);
  }

  public String source() {
    return source;
  }

  public Node root() {
    return root;
  }

  /** Every reference in the expression, in reading order. */
  public List<Reference> references() {
    List<Reference> refs = new ArrayList<>();
    walk(root, n -> {
      if (n instanceof Reference r) refs.add(r);
    });
    return refs;
  }

  /** Every call in the expression, in reading order. */
  public List<Call> calls() {
    List<Call> calls = new ArrayList<>();
    walk(root, n -> {
      if (n instanceof Call c) calls.add(c);
    });
    return calls;
  }

  /**
   * Whether the expression calls success(), failure(), always() or cancelled(); a condition that
   * does not is implicitly {@code success() && (condition)}.
   */
  public boolean usesStatusFunction() {
    return calls().stream().anyMatch(c -> Functions.STATUS_FUNCTIONS.contains(c.function()));
  }

  private static void walk(Node n, Consumer<Node> visitor) {
    visitor.accept(n);
    if (n instanceof Not not) {
      walk(not.operand(), visitor);
    } else if (n instanceof Binary b) {
      walk(b.left(), visitor);
      walk(b.right(), visitor);
    } else if (n instanceof Call c) {
      c.arguments().forEach(a -> walk(a, visitor));
    }
  }

  public @Nullable Object evaluate(EvaluationContext context) {
    return new Evaluator(source, context).eval(root);
  }

  /** Evaluates as a condition: the result's truthiness. */
  public boolean test(EvaluationContext context) {
    return Evaluator.truthy(evaluate(context));
  }

  @Override
  public String toString() {
    return source;
  }
}
