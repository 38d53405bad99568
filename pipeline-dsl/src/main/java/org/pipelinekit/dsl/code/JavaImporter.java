package org.pipelinekit.dsl.code;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Action;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.model.Backoff;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Concurrency;
import org.pipelinekit.core.model.Defaults;
import org.pipelinekit.core.model.Environment;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.ParameterType;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.RetryPolicy;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.TemplateOrigin;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.Trigger;

/**
 * Reads pipelines out of Java source without compiling or running it: every
 * {@code Pipeline.builder(...)...build()} (or {@code Pipeline.draft}) chain is interpreted call by
 * call against the real builders, so whatever they accept is accepted. Only literals, the model's
 * classes, {@code Duration}, {@code List}, {@code Map}, {@code Set}, {@code Optional} and lambdas on
 * the builders may appear; anything else (a variable, a loop, a call into the service) is reported
 * with its line, all at once.
 */
final class JavaImporter {
  /** Classes whose static methods, fields and constructors literal code may use, by the names it may use. */
  private static final Map<String, Class<?>> CLASSES = new HashMap<>();

  static {
    for (Class<?> c : List.of(Pipeline.class, Stage.class, Step.class, Trigger.class, Parameter.class, ParameterType.class,
        RetryOn.class, RetryPolicy.class, Backoff.class, Resources.class, Matrix.class, Concurrency.class, CacheScope.class,
        org.pipelinekit.core.model.CachePolicy.class, org.pipelinekit.core.model.ArtifactWhen.class, org.pipelinekit.core.model.WorkspaceMode.class,
        CacheSpec.class, ArtifactSpec.class, Environment.class, Approval.class, Defaults.class, TemplateOrigin.class, Duration.class, List.class,
        Map.class, Set.class, Optional.class, EnumSet.class, Long.class, Integer.class)) {
      CLASSES.put(c.getSimpleName(), c);
      CLASSES.put(c.getName(), c);
    }
    for (Class<?> c : Trigger.class.getPermittedSubclasses()) CLASSES.put("Trigger." + c.getSimpleName(), c);
    CLASSES.put("Environment.Protection", Environment.Protection.class);
  }

  /** A problem with the line it is on. */
  record Problem(int line, String message) {}

  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  private JavaImporter(String source) {
    this.source = source;
  }

  static List<Pipeline> read(String code, String source) {
    ParseResult<CompilationUnit> parsed = new JavaParser(new ParserConfiguration()
        .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)).parse(code);
    if (!parsed.isSuccessful() || parsed.getResult().isEmpty()) {
      List<Problem> syntax = parsed.getProblems().stream()
          .map(p -> new Problem(p.getLocation().flatMap(l -> l.getBegin().getRange()).map(r -> r.begin.line).orElse(0), p.getMessage()))
          .toList();
      throw failure(source, syntax);
    }
    JavaImporter importer = new JavaImporter(source);
    List<Unit> units = importer.units(parsed.getResult().get());
    for (Unit unit : units) {
      for (Call call : unit.calls()) importer.check(call.expression(), call.variable().map(Set::of).orElse(Set.of()));
    }
    if (!importer.problems.isEmpty()) throw failure(source, importer.problems);
    List<Pipeline> out = new ArrayList<>();
    for (Unit unit : units) {
      // the first call makes the builder (or, for a single chain, the pipeline); the rest work on it
      Object value = importer.eval(unit.calls().get(0).expression(), Map.of());
      Object builder = value;
      for (Call call : unit.calls().subList(1, unit.calls().size())) {
        if (value == null) break;
        value = importer.eval(call.expression(), Map.of(call.variable().orElseThrow(), builder));
      }
      if (value instanceof Pipeline pipeline) out.add(pipeline);
    }
    if (!importer.problems.isEmpty()) throw failure(source, importer.problems);
    if (out.isEmpty()) {
      throw failure(source, List.of(new Problem(0, "no Pipeline.builder(...)...build() chain found")));
    }
    return out;
  }

  private static PipelineException failure(String source, List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    for (Problem p : problems) {
      if (sb.length() > 0) sb.append('\n');
      sb.append(source).append(':').append(p.line).append(": ").append(p.message);
    }
    return new PipelineException(ErrorCode.JAVA_IMPORT_INVALID, sb.toString());
  }

  /**
   * One pipeline in the source: either a single chain {@code Pipeline.builder(...)...build()}, or a
   * {@code Pipeline.Builder} variable initialised with such a chain, the statements calling it (directly
   * or in methods of the class it is passed to) and the {@code variable.build()} that ends it — how
   * long pipelines are exported.
   */
  private record Unit(List<Call> calls, int position) {}

  /** A call to interpret; on the builder bound to {@code variable} when there is one. */
  private record Call(Expression expression, Optional<String> variable) {}

  /** The pipelines in the source, in order. */
  private List<Unit> units(CompilationUnit cu) {
    List<Unit> out = new ArrayList<>();
    for (MethodCallExpr call : cu.findAll(MethodCallExpr.class)) {
      if (call.getNameAsString().equals("build") && isPipelineBuilder(root(call))) {
        out.add(new Unit(List.of(new Call(call, Optional.empty())), position(call)));
      }
    }
    for (VariableDeclarator v : cu.findAll(VariableDeclarator.class)) {
      Optional<Expression> init = v.getInitializer();
      if (init.isEmpty() || !isPipelineBuilder(root(init.get()))
          || init.get() instanceof MethodCallExpr m && m.getNameAsString().equals("build")) {
        continue;
      }
      List<Call> calls = new ArrayList<>(List.of(new Call(init.get(), Optional.empty())));
      Optional<Statement> declaration = v.findAncestor(Statement.class);
      if (declaration.isPresent() && declaration.get().getParentNode().orElse(null) instanceof BlockStmt block) {
        List<Statement> statements = block.getStatements();
        if (builderCalls(v.getNameAsString(), statements.subList(statements.indexOf(declaration.get()) + 1, statements.size()),
            calls, new java.util.HashSet<>())) {
          out.add(new Unit(calls, position(v)));
        } else {
          problems.add(new Problem(line(v), "the builder '" + v.getNameAsString() + "' is never built; end with return "
              + v.getNameAsString() + ".build();"));
        }
      } else {
        problems.add(new Problem(line(v), "the builder '" + v.getNameAsString() + "' must be declared in a method body"));
      }
    }
    out.sort(Comparator.comparingInt(Unit::position));
    return out;
  }

  /**
   * Adds the calls the statements make on the builder variable {@code name}, following
   * {@code helper(name);} into the class's own methods; true once {@code name.build()} is reached.
   */
  private boolean builderCalls(String name, List<Statement> statements, List<Call> calls, Set<MethodDeclaration> entered) {
    for (Statement st : statements) {
      Optional<Expression> e = st instanceof ExpressionStmt es ? Optional.of(es.getExpression())
          : st instanceof ReturnStmt r ? r.getExpression() : Optional.empty();
      if (e.isPresent() && e.get() instanceof VariableDeclarationExpr d && d.getVariables().size() == 1) {
        e = d.getVariable(0).getInitializer();
      }
      if (e.isPresent() && e.get() instanceof MethodCallExpr m && root(m) instanceof NameExpr n && n.getNameAsString().equals(name)
          && m.getScope().isPresent()) {
        calls.add(new Call(m, Optional.of(name)));
        if (m.getNameAsString().equals("build")) return true;
        continue;
      }
      Optional<MethodDeclaration> helper = e.flatMap(x -> helper(x, name));
      if (helper.isPresent() && entered.add(helper.get())) {
        String param = helper.get().getParameter(0).getNameAsString();
        if (builderCalls(param, helper.get().getBody().orElseThrow().getStatements(), calls, entered)) return true;
      } else if (st.findFirst(NameExpr.class, n -> n.getNameAsString().equals(name)).isPresent()) {
        problems.add(new Problem(line(st), "only calls on the builder '" + name + "' may use it, not `" + st + "`"));
      }
    }
    return false;
  }

  /** The method of the same class that {@code helper(name)} calls, when it takes just the builder. */
  private static Optional<MethodDeclaration> helper(Expression e, String name) {
    if (!(e instanceof MethodCallExpr m) || m.getScope().isPresent() || m.getArguments().size() != 1
        || !(m.getArgument(0) instanceof NameExpr arg && arg.getNameAsString().equals(name))) {
      return Optional.empty();
    }
    return m.findAncestor(ClassOrInterfaceDeclaration.class).stream()
        .flatMap(c -> c.getMethodsByName(m.getNameAsString()).stream())
        .filter(d -> d.getParameters().size() == 1 && d.getBody().isPresent())
        .findFirst();
  }

  private static Expression root(Expression e) {
    while (e instanceof MethodCallExpr m && m.getScope().isPresent()) {
      if (isPipelineBuilder(m)) return m;
      e = m.getScope().get();
    }
    return e;
  }

  private static boolean isPipelineBuilder(Expression e) {
    return e instanceof MethodCallExpr m && m.getScope().isPresent() && m.getScope().get() instanceof NameExpr n
        && n.getNameAsString().equals("Pipeline") && (m.getNameAsString().equals("builder") || m.getNameAsString().equals("draft"));
  }

  private static int position(Node n) {
    return n.getBegin().map(p -> p.line * 10_000 + p.column).orElse(0);
  }

  /** The line of a node; for a call in a chain, the line of its name rather than of the chain's start. */
  private static int line(Node n) {
    Node at = n instanceof MethodCallExpr m ? m.getName() : n;
    return at.getBegin().map(p -> p.line).orElse(0);
  }

  // ---- pass 1: everything must be literal ----

  private void check(Expression e, Set<String> params) {
    if (e instanceof StringLiteralExpr || e instanceof TextBlockLiteralExpr || e instanceof IntegerLiteralExpr
        || e instanceof LongLiteralExpr || e instanceof DoubleLiteralExpr || e instanceof BooleanLiteralExpr
        || e instanceof NullLiteralExpr) {
      return;
    }
    if (e instanceof EnclosedExpr en) {
      check(en.getInner(), params);
    } else if (e instanceof CastExpr c) {
      check(c.getExpression(), params);
    } else if (e instanceof UnaryExpr u && (u.getOperator() == UnaryExpr.Operator.MINUS || u.getOperator() == UnaryExpr.Operator.PLUS)) {
      check(u.getExpression(), params);
    } else if (e instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
      check(b.getLeft(), params);
      check(b.getRight(), params);
    } else if (e instanceof NameExpr n) {
      if (!params.contains(n.getNameAsString())) {
        problems.add(new Problem(line(n), "'" + n.getNameAsString() + "' is not a literal; write its value in place"));
      }
    } else if (e instanceof FieldAccessExpr f) {
      if (!CLASSES.containsKey(f.getScope().toString())) {
        problems.add(new Problem(line(f), "'" + f + "' is not a literal or a constant of the model"));
      }
    } else if (e instanceof MethodCallExpr m) {
      if (m.getScope().isEmpty()) {
        problems.add(new Problem(line(m), "call of " + m.getNameAsString() + "() is not literal; write its result in place"));
      } else {
        Expression scope = m.getScope().get();
        if (!(scope instanceof NameExpr n && CLASSES.containsKey(n.getNameAsString()) && !params.contains(n.getNameAsString()))) {
          check(scope, params);
        }
      }
      m.getArguments().forEach(a -> check(a, params));
    } else if (e instanceof ObjectCreationExpr o) {
      if (!CLASSES.containsKey(o.getType().getNameWithScope())) {
        problems.add(new Problem(line(o), "new " + o.getType() + "(...) is not one of the model's types"));
      }
      o.getArguments().forEach(a -> check(a, params));
    } else if (e instanceof LambdaExpr l) {
      Set<String> inner = new java.util.HashSet<>(params);
      l.getParameters().forEach(p -> inner.add(p.getNameAsString()));
      for (Expression body : lambdaBody(l)) check(body, inner);
    } else {
      problems.add(new Problem(line(e), e.getClass().getSimpleName().replace("Expr", " expression") + " `" + e
          + "` is not literal; write the value in place"));
    }
  }

  private List<Expression> lambdaBody(LambdaExpr l) {
    if (l.getExpressionBody().isPresent()) return List.of(l.getExpressionBody().get());
    List<Expression> out = new ArrayList<>();
    Statement body = l.getBody();
    if (body instanceof BlockStmt block) {
      for (Statement st : block.getStatements()) {
        if (st instanceof ExpressionStmt es) out.add(es.getExpression());
        else problems.add(new Problem(line(st), "only calls on the lambda's builder may appear in its body, not `" + st + "`"));
      }
    }
    return out;
  }

  // ---- pass 2: interpret ----

  /** A lambda on a builder: becomes an {@link Action} that interprets its body with the parameter bound. */
  private record Lambda(LambdaExpr expr, Map<String, Object> scope) {}

  private Object eval(Expression e, Map<String, Object> scope) {
    try {
      return evaluate(e, scope);
    } catch (Failure f) {
      problems.add(new Problem(f.line, f.getMessage()));
      return null;
    }
  }

  /** An evaluation problem, carrying the line of the node it happened at. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;

    Failure(Node at, String message) {
      super(message);
      this.line = line(at);
    }
  }

  private Object evaluate(Expression e, Map<String, Object> scope) {
    if (e instanceof StringLiteralExpr s) return s.asString();
    if (e instanceof TextBlockLiteralExpr t) return t.asString();
    if (e instanceof BooleanLiteralExpr b) return b.getValue();
    if (e instanceof IntegerLiteralExpr i) return ((Number) i.asNumber()).intValue();
    if (e instanceof LongLiteralExpr l) return l.asNumber() instanceof BigInteger big ? big : l.asNumber().longValue();
    if (e instanceof DoubleLiteralExpr d) return d.asDouble();
    if (e instanceof NullLiteralExpr) return null;
    if (e instanceof EnclosedExpr en) return evaluate(en.getInner(), scope);
    if (e instanceof CastExpr c) return evaluate(c.getExpression(), scope);
    if (e instanceof UnaryExpr u) {
      Object v = evaluate(u.getExpression(), scope);
      if (u.getOperator() == UnaryExpr.Operator.PLUS) return v;
      if (v instanceof BigInteger big) return big.negate().longValueExact(); // -9223372036854775808L
      if (v instanceof Integer i) return -i;
      if (v instanceof Long l) return -l;
      if (v instanceof Double d) return -d;
      throw new Failure(u, "cannot negate " + v);
    }
    if (e instanceof BinaryExpr b) {
      Object l = evaluate(b.getLeft(), scope);
      Object r = evaluate(b.getRight(), scope);
      if (l instanceof String || r instanceof String) return String.valueOf(l) + r;
      throw new Failure(b, "only text may be joined with +");
    }
    if (e instanceof NameExpr n) {
      if (scope.containsKey(n.getNameAsString())) return scope.get(n.getNameAsString());
      throw new Failure(n, "'" + n.getNameAsString() + "' is not a literal");
    }
    if (e instanceof FieldAccessExpr f) {
      Class<?> c = CLASSES.get(f.getScope().toString());
      try {
        return c.getField(f.getNameAsString()).get(null);
      } catch (ReflectiveOperationException ex) {
        throw new Failure(f, f + " is not a constant of " + c.getSimpleName());
      }
    }
    if (e instanceof LambdaExpr l) return new Lambda(l, scope);
    if (e instanceof ObjectCreationExpr o) {
      Class<?> c = CLASSES.get(o.getType().getNameWithScope());
      List<Object> args = evaluateAll(o.getArguments(), scope);
      for (Constructor<?> ctor : c.getConstructors()) {
        Object[] converted = convert(ctor, args);
        if (converted != null) return invoke(o, () -> ctor.newInstance(converted));
      }
      throw new Failure(o, "no constructor new " + o.getType() + "(" + describe(args) + ")");
    }
    MethodCallExpr m = (MethodCallExpr) e;
    Expression scopeExpr = m.getScope().orElseThrow(() -> new Failure(m, "call of " + m.getNameAsString() + "() is not literal"));
    List<Object> args = evaluateAll(m.getArguments(), scope);
    if (scopeExpr instanceof NameExpr n && CLASSES.containsKey(n.getNameAsString()) && !scope.containsKey(n.getNameAsString())) {
      return call(m, CLASSES.get(n.getNameAsString()), null, args);
    }
    Object target = evaluate(scopeExpr, scope);
    if (target == null) throw new Failure(m, "cannot call " + m.getNameAsString() + "() on nothing");
    return call(m, target.getClass(), target, args);
  }

  private List<Object> evaluateAll(List<Expression> args, Map<String, Object> scope) {
    List<Object> out = new ArrayList<>();
    for (Expression a : args) out.add(evaluate(a, scope));
    return out;
  }

  private interface Reflective {
    Object run() throws ReflectiveOperationException;
  }

  private Object invoke(Node at, Reflective call) {
    try {
      return call.run();
    } catch (InvocationTargetException ex) {
      Throwable cause = ex.getCause();
      if (cause instanceof Failure f) throw f;
      throw new Failure(at, String.valueOf(cause.getMessage()));
    } catch (ReflectiveOperationException ex) {
      throw new Failure(at, ex.toString());
    }
  }

  private Object call(MethodCallExpr at, Class<?> type, Object target, List<Object> args) {
    boolean isStatic = target == null;
    for (Method method : publicMethods(type)) {
      if (!method.getName().equals(at.getNameAsString()) || Modifier.isStatic(method.getModifiers()) != isStatic) continue;
      Object[] converted = convert(method, args);
      if (converted != null) return invoke(at, () -> method.invoke(target, converted));
    }
    throw new Failure(at, (isStatic ? type.getSimpleName() : "the " + type.getSimpleName().replace("Builder", "builder")) + " has no "
        + at.getNameAsString() + "(" + describe(args) + ")");
  }

  /** Public methods reachable through public types (the builders are public nested classes; Map.of is on an interface). */
  private static List<Method> publicMethods(Class<?> type) {
    List<Method> out = new ArrayList<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (Modifier.isPublic(c.getModifiers())) out.addAll(List.of(c.getDeclaredMethods()));
      for (Class<?> i : c.getInterfaces()) out.addAll(List.of(i.getMethods()));
    }
    out.removeIf(m -> !Modifier.isPublic(m.getModifiers()));
    return out;
  }

  private static String describe(List<Object> args) {
    return String.join(", ", args.stream().map(a -> a == null ? "null" : a instanceof Lambda ? "lambda" : a.getClass().getSimpleName()).toList());
  }

  /** The arguments converted to the executable's parameter types, or null when they do not fit. */
  private Object[] convert(Executable ex, List<Object> args) {
    Class<?>[] types = ex.getParameterTypes();
    int fixed = ex.isVarArgs() ? types.length - 1 : types.length;
    if (ex.isVarArgs() ? args.size() < fixed : args.size() != types.length) return null;
    Object[] out = new Object[types.length];
    for (int i = 0; i < fixed; i++) {
      Object v = fit(args.get(i), types[i]);
      if (v == NO_FIT) return null;
      out[i] = v;
    }
    if (ex.isVarArgs()) {
      Class<?> component = types[fixed].getComponentType();
      Object array = Array.newInstance(component, args.size() - fixed);
      for (int i = fixed; i < args.size(); i++) {
        Object v = fit(args.get(i), component);
        if (v == NO_FIT) return null;
        Array.set(array, i - fixed, v);
      }
      out[fixed] = array;
    }
    return out;
  }

  private static final Object NO_FIT = new Object();

  private Object fit(Object v, Class<?> type) {
    if (v instanceof Lambda l) {
      if (type != Action.class) return NO_FIT;
      return (Action<Object>) receiver -> {
        Map<String, Object> inner = new HashMap<>(l.scope());
        inner.put(l.expr().getParameters().get(0).getNameAsString(), receiver);
        for (Expression body : lambdaBody(l.expr())) evaluate(body, inner);
      };
    }
    if (v == null) return type.isPrimitive() ? NO_FIT : null;
    if (type == int.class || type == Integer.class) {
      if (v instanceof Integer) return v;
      if (v instanceof Long l && l == l.intValue()) return l.intValue();
      return NO_FIT;
    }
    if (type == long.class || type == Long.class) {
      return v instanceof Integer i ? (Object) i.longValue() : v instanceof Long ? v : NO_FIT;
    }
    if (type == double.class || type == Double.class) {
      return v instanceof Double ? v : v instanceof Integer || v instanceof Long ? (Object) ((Number) v).doubleValue() : NO_FIT;
    }
    if (type == boolean.class) return v instanceof Boolean ? v : NO_FIT;
    if (type == Object.class) return v;
    return type.isInstance(v) ? v : NO_FIT;
  }
}
