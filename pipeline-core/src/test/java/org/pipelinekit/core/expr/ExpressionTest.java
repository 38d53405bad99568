package org.pipelinekit.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.expr.Node.Reference;

class ExpressionTest {
  private static final EvaluationContext CTX = EvaluationContext.of(Map.of(
      "branch", "main",
      "params", Map.of("env", "prod", "count", 3L, "flags", List.of("a", "b"), "my-param", "dash"),
      "stages", Map.of("test", Map.of("result", "success", "outputs", Map.of("coverage", "81.5", "passed", "true")))));

  private static Object eval(String text) {
    return Expression.parse(text).evaluate(CTX);
  }

  @Test
  void evaluate_comparisonsAndLogic() {
    assertThat(eval("branch == 'main' && success()")).isEqualTo(true);
    assertThat(eval("branch != 'main' || params.env == 'prod'")).isEqualTo(true);
    assertThat(eval("stages.test.outputs.coverage >= 80")).isEqualTo(true);
    assertThat(eval("stages.test.outputs.coverage < 80")).isEqualTo(false);
    assertThat(eval("!(params.count > 2)")).isEqualTo(false);
    assertThat(eval("params.count == '3'")).isEqualTo(true);
    assertThat(eval("'abc' < 'abd'")).isEqualTo(true);
    assertThat(eval("params.missing == null")).isEqualTo(true);
    assertThat(eval("'Main' == 'main'")).isEqualTo(false);
    assertThat(eval("'x' > 3")).isEqualTo(false);
    assertThat(eval("params.env && 'yes'")).isEqualTo("yes");
    assertThat(eval("params.missing || 'fallback'")).isEqualTo("fallback");
    assertThat(eval("params['my-param']")).isEqualTo("dash");
    assertThat(eval("-1.5 < 0")).isEqualTo(true);
  }

  @Test
  void evaluate_functions() {
    assertThat(eval("contains(params.flags, 'b')")).isEqualTo(true);
    assertThat(eval("contains('pipeline', 'line')")).isEqualTo(true);
    assertThat(eval("startsWith(branch, 'ma') && endsWith(branch, 'in')")).isEqualTo(true);
    assertThat(eval("format('{0}-{1}-{{literal}}', branch, params.count)")).isEqualTo("main-3-{literal}");
    assertThat(eval("join(params.flags, '+')")).isEqualTo("a+b");
    assertThat(eval("always()")).isEqualTo(true);
    assertThat(eval("failure()")).isEqualTo(false);
    assertThat(eval("cancelled()")).isEqualTo(false);
    EvaluationContext failed = new EvaluationContext() {
      @Override public Object lookup(List<String> path) { return null; }
      @Override public boolean upstreamSucceeded() { return false; }
      @Override public boolean upstreamFailed() { return true; }
      @Override public String hashFiles(List<String> patterns) { return "h:" + patterns; }
    };
    assertThat(Expression.parse("failure() && !success()").test(failed)).isTrue();
    assertThat(Expression.parse("hashFiles('**/pom.xml', 'a')").evaluate(failed)).isEqualTo("h:[**/pom.xml, a]");
  }

  @Test
  void parse_errorsNameTheColumn() {
    assertThatThrownBy(() -> Expression.parse("branch == ")).isInstanceOfSatisfying(ExpressionException.class, e -> {
      assertThat(e.column()).isEqualTo(11);
      assertThat(e.getMessage()).isEqualTo("expression ends where a value was expected at column 11 of `branch == `");
    });
    assertThatThrownBy(() -> Expression.parse("(a == b")).hasMessage("missing ')' to close the '(' at column 1 at column 8 of `(a == b`");
    assertThatThrownBy(() -> Expression.parse("'open")).hasMessage("string is not closed at column 1 of `'open`");
    assertThatThrownBy(() -> Expression.parse("a = b")).hasMessage("unexpected '=' at column 3 of `a = b`");
    assertThatThrownBy(() -> Expression.parse("a[b]")).hasMessageStartingWith("only a quoted name or * can go between [ and ]");
    assertThatThrownBy(() -> Expression.parse("format('{3}', 1)").evaluate(CTX))
        .hasMessageStartingWith("format() pattern '{3}' has a bad placeholder");
  }

  @Test
  void references_areListedInOrder() {
    Expression e = Expression.parse("stages.build.outputs.version != '' && contains(params.targets, env.TARGET)");
    assertThat(e.references()).extracting(Reference::text)
        .containsExactly("stages.build.outputs.version", "params.targets", "env.TARGET");
    assertThat(e.references()).extracting(Reference::column).containsExactly(1, 48, 64);
    assertThat(e.usesStatusFunction()).isFalse();
    assertThat(Expression.parse("always() && x").usesStatusFunction()).isTrue();
  }

  @Test
  void condition_mayBeWrappedInATemplate() {
    assertThat(Expression.parseCondition("${{ branch == 'main' }}").test(CTX)).isTrue();
  }

  @Test
  void template_rendersExpressionsAndKeepsText() {
    Template t = Template.parse("deploy ${{ params.env }} at ${{ stages.test.outputs.coverage }}% '}}'");
    assertThat(t.render(CTX)).isEqualTo("deploy prod at 81.5% '}}'");
    assertThat(Template.parse("quoted ${{ format('}}{0}', 'x') }}").render(CTX)).isEqualTo("quoted }x");
    assertThat(Template.parse("${{ params.count }}").render(CTX)).isEqualTo("3");
    assertThatThrownBy(() -> Template.parse("echo ${{ a == }}")).hasMessage("expression ends where a value was expected at column 15"
        + " of `echo ${{ a == }}`");
  }

  @Property
  void template_withoutExpressionsRendersAsIs(@ForAll String text) {
    if (!Template.hasExpressions(text)) {
      assertThat(Template.parse(text).render(CTX)).isEqualTo(text);
    }
  }
}
