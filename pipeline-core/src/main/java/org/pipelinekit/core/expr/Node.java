package org.pipelinekit.core.expr;

import java.util.List;

/** The syntax tree of an expression. {@code column} is where the node starts, 1-based. */
public sealed interface Node {
  int column();

  /** {@code 'text'}, {@code 12}, {@code 1.5}, {@code true}, {@code null}. */
  record Literal(Object value, int column) implements Node {}

  /** A dotted name such as {@code stages.build.outputs.version} or {@code params['target']}. */
  record Reference(List<String> path, int column) implements Node {
    public Reference {
      path = List.copyOf(path);
    }

    public String text() {
      return String.join(".", path);
    }
  }

  /** {@code !operand}. */
  record Not(Node operand, int column) implements Node {}

  /** {@code left op right}. */
  record Binary(Operator operator, Node left, Node right, int column) implements Node {}

  /** {@code name(arguments)}. */
  record Call(String function, List<Node> arguments, int column) implements Node {
    public Call {
      arguments = List.copyOf(arguments);
    }
  }

  enum Operator {
    OR("||"), AND("&&"), EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }
}
