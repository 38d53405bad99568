package org.pipelinekit.imports;

import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipelinekit.core.expr.Expression;
import org.pipelinekit.core.expr.Functions;

/**
 * GitHub Actions expressions in PipelineKit's terms, where the meaning is the same: {@code github.ref_name} → {@code branch},
 * {@code github.sha} → {@code commit}, {@code inputs.x} → {@code params.x}, {@code needs.job.outputs.x} →
 * {@code stages.<id>.outputs.x}; matrix, env, secrets and the status and string functions as they are. What has no
 * counterpart is left for the caller: a condition is dropped, text becomes a shell variable.
 */
final class Expressions {
  private Expressions() {}

  /** A translation: the expression, whether its meaning changed, and null when it cannot be translated. */
  record Translation(String text, boolean exact, String problem) {}

  private static final Pattern REF_EQ = Pattern.compile("github\\.ref\\s*(==|!=)\\s*'refs/heads/([^']*)'");
  private static final Pattern TAG_REF = Pattern.compile("startsWith\\(\\s*github\\.ref\\s*,\\s*'refs/tags/?'\\s*\\)");
  private static final Pattern NEEDS = Pattern.compile("\\bneeds\\.([A-Za-z0-9_-]+)\\.outputs\\.([A-Za-z0-9_-]+)");
  private static final Pattern CACHE_HIT = Pattern.compile("(?<![A-Za-z0-9_.])steps\\.[A-Za-z0-9_-]+\\.outputs\\.cache-hit\\b");
  private static final Pattern STEP_OUTPUT = Pattern.compile("(?<![A-Za-z0-9_.])steps\\.[A-Za-z0-9_-]+\\.outputs\\.([A-Za-z0-9_-]+)");
  private static final Pattern FUNCTION = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
  private static final Map<String, String> SAME = Map.of(
      "github.ref_name", "branch", "github.head_ref", "branch", "github.sha", "commit", "github.actor", "trigger.actor",
      "github.event_name", "trigger.kind", "github.event.inputs.", "params.", "inputs.", "params.", "github.workspace", "workspace");

  static Translation translate(String gha, UnaryOperator<String> stageIdOf) {
    return translate(gha, stageIdOf, false);
  }

  /** In a step ({@code inStep}), {@code steps.<id>.outputs.<name>} is {@code outputs.<name>}: what earlier steps of the job wrote. */
  static Translation translate(String gha, UnaryOperator<String> stageIdOf, boolean inStep) {
    String s = gha.trim();
    // actions/cache's cache-hit is the job's cacheHit output (set by the cache when every cache came back on its exact key)
    if (inStep) s = CACHE_HIT.matcher(s).replaceAll("outputs.cacheHit");
    if (inStep) s = STEP_OUTPUT.matcher(s).replaceAll(r -> "outputs." + Matcher.quoteReplacement(r.group(1)));
    boolean exact = true;
    Matcher m = REF_EQ.matcher(s);
    s = m.replaceAll(r -> "branch " + r.group(1) + " '" + Matcher.quoteReplacement(r.group(2)) + "'");
    if (TAG_REF.matcher(s).find()) {
      s = TAG_REF.matcher(s).replaceAll("tag != ''");
    }
    if (s.contains("github.event_name")) {
      s = s.replace("'workflow_dispatch'", "'manual'").replace("'pull_request'", "'pull-request'")
          .replace("'pull_request_target'", "'pull-request'");
      exact = false;
    }
    for (Map.Entry<String, String> e : SAME.entrySet()) {
      s = s.replaceAll("(?<![A-Za-z0-9_.])" + Pattern.quote(e.getKey()), Matcher.quoteReplacement(e.getValue()));
    }
    s = NEEDS.matcher(s).replaceAll(r -> "stages." + Matcher.quoteReplacement(stageIdOf.apply(r.group(1))) + ".outputs." + r.group(2));
    if (s.matches(".*(?<![A-Za-z0-9_.])vars\\..*")) {
      s = s.replaceAll("(?<![A-Za-z0-9_.])vars\\.", "env.");
      exact = false;
    }
    Matcher f = FUNCTION.matcher(s);
    while (f.find()) {
      if (!Functions.isKnown(f.group(1))) return new Translation(null, false, f.group(1) + "() has no counterpart");
    }
    // runner.os is the host's (jobs run on this machine or in a Linux container): a step for another OS is skipped
    Matcher roots = Pattern.compile("(?<![A-Za-z0-9_.'\"])(github|runner(?!\\.os\\b)|steps|job|needs|strategy)\\.[A-Za-z0-9_.-]*").matcher(s);
    if (roots.find()) return new Translation(null, false, "'" + roots.group() + "' has no counterpart here");
    try {
      Expression.parseCondition(s);
    } catch (RuntimeException e) {
      return new Translation(null, false, "not an expression PipelineKit reads: " + e.getMessage());
    }
    return new Translation(s, exact, null);
  }

  /** A shell variable standing in for an expression with no counterpart: {@code github.repository} → {@code ${GITHUB_REPOSITORY:-}}. */
  static String shellVariable(String gha) {
    String name = gha.trim().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
    return "${" + (name.isEmpty() ? "UNSET" : name) + ":-}";
  }

  private static final Pattern TEMPLATE = Pattern.compile("\\$\\{\\{(.*?)}}", Pattern.DOTALL);

  /** Text with {@code ${{ }}} parts translated; those with no counterpart become shell variables (and {@code changed} says so). */
  static String text(String text, UnaryOperator<String> stageIdOf, StringBuilder changed) {
    return text(text, stageIdOf, changed, false);
  }

  static String text(String text, UnaryOperator<String> stageIdOf, StringBuilder changed, boolean inStep) {
    Matcher m = TEMPLATE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Translation t = translate(m.group(1), stageIdOf, inStep);
      String replacement;
      if (t.text() != null) {
        replacement = "${{ " + t.text() + " }}";
        if (!t.exact()) changed.append(m.group(1).trim()).append(" → ").append(t.text()).append("; ");
      } else {
        replacement = shellVariable(m.group(1));
        changed.append(m.group(1).trim()).append(" → ").append(replacement).append(" (").append(t.problem()).append("); ");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
