package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.expr.Template;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Stage;

/**
 * Rendering a stage's {@code ${{ }}} templates against its context: the stage's inputs (an input that is exactly one
 * expression keeps the value's type), env, image, memo key, caches and artifacts; and texts, with a context made only
 * when a text holds an expression.
 */
final class StageRendering {
  private StageRendering() {}

  static String render(String text, StageContext ctx) {
    return Template.hasExpressions(text) ? Template.parse(text).render(ctx) : text;
  }

  /** A stage context made only when a text to render holds an expression. */
  static final class Lazy {
    private final java.util.function.Supplier<StageContext> make;
    private @Nullable StageContext ctx;

    Lazy(java.util.function.Supplier<StageContext> make) {
      this.make = make;
    }

    StageContext get() {
      if (ctx == null) ctx = make.get();
      return ctx;
    }
  }

  static String render(String text, Lazy ctx) {
    return Template.hasExpressions(text) ? Template.parse(text).render(ctx.get()) : text;
  }

  /** Whether any input, env value or the image of the stage holds an expression to render. */
  static boolean templated(Stage stage) {
    return stage.image().filter(Template::hasExpressions).isPresent()
        || stage.env().values().stream().anyMatch(Template::hasExpressions)
        || hasExpressions(stage.inputs())
        || stage.memoize().filter(Template::hasExpressions).isPresent()
        || stage.artifacts().filter(a -> a.name().filter(Template::hasExpressions).isPresent()
            || a.paths().stream().anyMatch(Template::hasExpressions)).isPresent()
        || stage.caches().stream().anyMatch(c -> Template.hasExpressions(c.key()) || c.restoreKeys().stream().anyMatch(Template::hasExpressions)
            || c.paths().stream().anyMatch(Template::hasExpressions));
  }

  static boolean hasExpressions(Object v) {
    if (v instanceof String str) return Template.hasExpressions(str);
    if (v instanceof List<?> l) return l.stream().anyMatch(StageRendering::hasExpressions);
    if (v instanceof Map<?, ?> m) return m.values().stream().anyMatch(StageRendering::hasExpressions);
    return false;
  }

  static Stage render(Stage stage, StageContext ctx) {
    Stage.Builder b = stage.toBuilder();
    Map<String, Object> inputs = new LinkedHashMap<>();
    stage.inputs().forEach((k, v) -> inputs.put(k, renderValue(v, ctx)));
    b.with(inputs);
    stage.env().forEach((k, v) -> b.env(k, render(v, ctx)));
    stage.image().ifPresent(i -> b.image(render(i, ctx)));
    stage.memoize().ifPresent(k -> b.memoize(render(k, ctx)));
    List<CacheSpec> caches = new ArrayList<>();
    for (CacheSpec c : stage.caches()) {
      caches.add(new CacheSpec(render(c.key(), ctx), c.restoreKeys().stream().map(r -> render(r, ctx)).toList(),
          c.paths().stream().map(p -> render(p, ctx)).toList(), c.scope(), c.policy()));
    }
    b.caches(caches);
    stage.artifacts().ifPresent(a -> b.artifacts(artifacts(a, ctx)));
    return b.build();
  }

  private static ArtifactSpec artifacts(ArtifactSpec a, StageContext ctx) {
    return new ArtifactSpec(a.name().map(n -> render(n, ctx)), a.paths().stream().map(p -> render(p, ctx)).toList(), a.retention(), a.when());
  }

  /** The rendered stage with its artifacts rendered anew from the stage as written, in this context (the steps' outputs). */
  static Stage withArtifacts(Stage rendered, Stage raw, StageContext ctx) {
    return raw.artifacts().map(a -> rendered.toBuilder().artifacts(artifacts(a, ctx)).build()).orElse(rendered);
  }

  static Object renderValue(Object v, StageContext ctx) {
    if (v instanceof String s) {
      if (!Template.hasExpressions(s)) return s;
      Template t = Template.parse(s);
      String trimmed = s.strip();
      // an input that is exactly one expression keeps the expression's type (numbers stay numbers)
      if (t.expressions().size() == 1 && trimmed.startsWith("${{") && trimmed.endsWith("}}") && trimmed.indexOf("${{", 3) < 0) {
        Object value = t.expressions().get(0).evaluate(ctx);
        return value == null ? "" : value;
      }
      return t.render(ctx);
    }
    if (v instanceof List<?> list) {
      return list.stream().map(x -> renderValue(x, ctx)).toList();
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, x) -> out.put((String) k, renderValue(x, ctx)));
      return out;
    }
    return v;
  }
}
