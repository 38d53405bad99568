package org.pipelinekit.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.stage.StageRegistry;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A pipeline as a GitHub Actions workflow, for pipelines that fit its model: stages become jobs on {@code ubuntu-latest}
 * (typed stages run the steps their type stands for), needs, conditions, matrices, caches ({@code actions/cache}),
 * artifacts ({@code actions/upload-artifact}), environments, timeouts, parameters as {@code workflow_dispatch} inputs.
 * What has no counterpart — retries, approvals outside an environment, memoized stages, pipeline timeouts, stage types
 * that act in-process — is refused with every misfit listed.
 */
public final class GitHubActionsExport {
  /** The pipeline does not fit a workflow; the message lists each reason. */
  public static final class UnfitException extends PipelineException {
    private static final long serialVersionUID = 1L;
    private final List<String> reasons;

    UnfitException(String pipeline, List<String> reasons) {
      super(ErrorCode.EXPORT_UNFIT, "pipeline '" + pipeline + "' does not fit a GitHub Actions workflow:\n  " + String.join("\n  ", reasons));
      this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
      return reasons;
    }
  }

  private GitHubActionsExport() {}

  public static String write(Pipeline p) {
    return write(p, StageRegistry.builtins());
  }

  public static String write(Pipeline p, StageRegistry registry) {
    List<String> unfit = new ArrayList<>();
    Map<String, Object> wf = new LinkedHashMap<>();
    wf.put("name", p.name().orElse(p.id()));
    wf.put("on", triggers(p, unfit));
    if (!p.env().isEmpty()) wf.put("env", expressions(p.env()));
    p.concurrency().ifPresent(c -> {
      Map<String, Object> cc = new LinkedHashMap<>();
      cc.put("group", expression(c.group()));
      cc.put("cancel-in-progress", c.cancelInProgress());
      wf.put("concurrency", cc);
      if (c.queueLimit().isPresent()) unfit.add("concurrency.queueLimit: GitHub keeps one pending run per group");
    });
    if (!p.notifications().isEmpty()) unfit.add("notify: GitHub has no notification rules; post from a last job with if: failure()");
    if (p.timeout().isPresent()) unfit.add("timeout: a whole-workflow timeout has no counterpart (jobs have timeout-minutes)");
    if (p.defaults().retry().isPresent()) unfit.add("defaults.retry: GitHub does not retry jobs");
    Map<String, Object> jobs = new LinkedHashMap<>();
    for (Stage s : p.stages()) jobs.put(s.id(), job(p, s, registry, unfit));
    wf.put("jobs", jobs);
    unfit.addAll(foreignExpressions(wf));
    if (!unfit.isEmpty()) throw new UnfitException(p.id(), unfit);
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setIndicatorIndent(2);
    o.setIndentWithIndicator(true);
    o.setWidth(120);
    o.setSplitLines(false);
    return new Yaml(o).dump(wf);
  }

  private static Map<String, Object> triggers(Pipeline p, List<String> unfit) {
    Map<String, Object> on = new LinkedHashMap<>();
    for (Trigger t : p.triggers()) {
      if (t instanceof Trigger.Push push) {
        on.put("push", filters(push.branches(), push.tags(), push.paths()));
      } else if (t instanceof Trigger.PullRequest pr) {
        on.put("pull_request", filters(pr.branches(), List.of(), pr.paths()));
      } else if (t instanceof Trigger.Schedule s) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) on.computeIfAbsent("schedule", k -> new ArrayList<>());
        list.add(Map.of("cron", s.cron()));
        if (s.timezone().isPresent()) unfit.add("triggers: schedule time zone " + s.timezone().get() + " (GitHub runs cron in UTC)");
      } else if (t instanceof Trigger.Upstream u) {
        on.put("workflow_run", Map.of("workflows", List.of(u.pipeline()), "types", List.of("completed")));
      } else { // manual and api runs
        on.putIfAbsent("workflow_dispatch", new LinkedHashMap<>());
      }
    }
    if (!p.parameters().isEmpty()) {
      Map<String, Object> inputs = new LinkedHashMap<>();
      for (Parameter param : p.parameters()) {
        Map<String, Object> in = new LinkedHashMap<>();
        param.description().ifPresent(d -> in.put("description", d));
        in.put("required", param.required());
        switch (param.type()) {
          case BOOLEAN -> in.put("type", "boolean");
          case NUMBER -> in.put("type", "number");
          case CHOICE -> {
            in.put("type", "choice");
            in.put("options", param.options());
          }
          case LIST -> {
            in.put("type", "string");
            unfit.add("parameters." + param.name() + ": list parameters have no workflow_dispatch input type");
          }
          default -> in.put("type", "string");
        }
        param.defaultValue().ifPresent(d -> in.put("default", d));
        inputs.put(param.name(), in);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> dispatch = (Map<String, Object>) on.computeIfAbsent("workflow_dispatch", k -> new LinkedHashMap<>());
      dispatch.put("inputs", inputs);
    }
    if (on.isEmpty()) on.put("workflow_dispatch", new LinkedHashMap<>());
    return on;
  }

  private static Object filters(List<String> branches, List<String> tags, List<String> paths) {
    Map<String, Object> f = new LinkedHashMap<>();
    if (!branches.isEmpty()) f.put("branches", branches);
    if (!tags.isEmpty()) f.put("tags", tags);
    if (!paths.isEmpty()) f.put("paths", paths);
    return f.isEmpty() ? null : f;
  }

  private static Map<String, Object> job(Pipeline p, Stage s, StageRegistry registry, List<String> unfit) {
    String at = "stages." + s.id();
    Map<String, Object> job = new LinkedHashMap<>();
    s.name().ifPresent(n -> job.put("name", n));
    if (!s.needs().isEmpty()) job.put("needs", s.needs());
    s.when().ifPresent(w -> job.put("if", condition(w)));
    job.put("runs-on", "ubuntu-latest");
    s.image().ifPresent(i -> job.put("container", i));
    s.environment().ifPresent(e -> {
      if (e.url().isPresent()) job.put("environment", Map.of("name", e.name(), "url", e.url().get()));
      else job.put("environment", e.name());
    });
    if (s.approval().isPresent() && s.environment().isEmpty()) {
      unfit.add(at + ".approval: GitHub asks for approval through an environment's required reviewers; give the stage an environment");
    }
    org.pipelinekit.core.model.EffectiveSettings.of(p, s).timeout().ifPresent(t -> job.put("timeout-minutes", Math.max(1, (t.toSeconds() + 59) / 60)));
    if (!s.continueOnErrorExitCodes().isEmpty()) {
      unfit.add(at + ".continueOnError: GitHub's continue-on-error allows any failure, not only exit codes " + s.continueOnErrorExitCodes());
    } else if (s.continueOnError()) {
      job.put("continue-on-error", true);
    }
    if (s.retry().isPresent()) unfit.add(at + ".retry: GitHub does not retry jobs");
    if (s.memoize().isPresent()) unfit.add(at + ".memoize: GitHub has no memoized jobs");
    if (!s.gates().isEmpty()) unfit.add(at + ".gates: GitHub has no quality gates; check them in a last step of the job");
    if (s.resources().isPresent()) unfit.add(at + ".resources: choose a runner size instead");
    s.matrix().ifPresent(m -> {
      Map<String, Object> matrix = new LinkedHashMap<>(m.axes());
      if (!m.include().isEmpty()) matrix.put("include", m.include());
      if (!m.exclude().isEmpty()) matrix.put("exclude", m.exclude());
      Map<String, Object> strategy = new LinkedHashMap<>();
      strategy.put("fail-fast", m.failFast());
      m.maxParallel().ifPresent(n -> strategy.put("max-parallel", n));
      strategy.put("matrix", matrix);
      job.put("strategy", strategy);
    });
    if (!s.env().isEmpty()) job.put("env", expressions(s.env()));
    Map<String, Object> outs = new LinkedHashMap<>(); // filled once the steps that write outputs are known
    if (!s.outputs().isEmpty()) job.put("outputs", outs);
    List<Object> steps = new ArrayList<>();
    steps.add(Map.of("uses", "actions/checkout@v4"));
    for (CacheSpec c : s.caches()) {
      Map<String, Object> with = new LinkedHashMap<>();
      with.put("path", String.join("\n", c.paths()));
      with.put("key", expression(c.key()));
      if (!c.restoreKeys().isEmpty()) with.put("restore-keys", String.join("\n", c.restoreKeys()));
      steps.add(Map.of("uses", "actions/cache@v4", "with", with));
    }
    List<Step> commands;
    if (s.type().equals("shell")) {
      commands = s.steps();
    } else {
      StageType type = registry.find(s.type()).orElse(null);
      if (type == null) {
        unfit.add(at + ".type: '" + s.type() + "' is not a known stage type");
        commands = List.of();
      } else {
        try {
          commands = new ArrayList<>(type.steps(s));
          commands.addAll(s.steps());
        } catch (RuntimeException e) {
          unfit.add(at + ".type: '" + s.type() + "' runs in-process (" + e.getMessage() + ")");
          commands = List.of();
        }
      }
    }
    // GitHub keeps each step's outputs apart: a step that writes $PIPELINE_OUTPUT gets an id, and outputs.x (what earlier
    // steps wrote) and the job's outputs read the latest writer first
    List<String> writers = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      Step step = commands.get(i);
      Map<String, Object> st = new LinkedHashMap<>();
      step.name().ifPresent(n -> st.put("name", n));
      List<String> earlier = List.copyOf(writers);
      boolean writes = step.run().contains("PIPELINE_OUTPUT");
      if (writes) {
        writers.add("out" + (i + 1));
        st.put("id", "out" + (i + 1));
      }
      st.put("run", outputs(stepExpression(step.run(), earlier)));
      if (!step.env().isEmpty()) {
        Map<String, String> env = new LinkedHashMap<>();
        step.env().forEach((k, v) -> env.put(k, stepExpression(v, earlier)));
        st.put("env", env);
      }
      step.workingDirectory().ifPresent(w -> st.put("working-directory", w));
      step.timeout().ifPresent(t -> st.put("timeout-minutes", Math.max(1, (t.toSeconds() + 59) / 60)));
      steps.add(st);
    }
    s.artifacts().ifPresent(a -> {
      Map<String, Object> with = new LinkedHashMap<>();
      with.put("name", a.name().orElse(s.id()));
      with.put("path", String.join("\n", a.paths()));
      a.retention().ifPresent(r -> with.put("retention-days", Math.max(1, r.toDays())));
      steps.add(Map.of("uses", "actions/upload-artifact@v4", "with", with));
    });
    boolean neededArtifacts = p.stages().stream().anyMatch(n -> s.needs().contains(n.id()) && n.artifacts().isPresent());
    if (neededArtifacts) { // as a PipelineKit stage finds the files of the stages it needs
      steps.add(1, Map.of("uses", "actions/download-artifact@v4", "with", Map.of("merge-multiple", true)));
    }
    job.put("steps", steps);
    for (String o : s.outputs()) outs.put(o, "${{ " + stepOutput(writers, o) + " }}");
    return job;
  }

  /** Outputs written to $PIPELINE_OUTPUT go to $GITHUB_OUTPUT, the same NAME=value lines. */
  private static String outputs(String run) {
    return run.replace("$PIPELINE_OUTPUT", "$GITHUB_OUTPUT").replace("${PIPELINE_OUTPUT}", "${GITHUB_OUTPUT}");
  }

  private static final Pattern STEP_OUTPUT = Pattern.compile("(?<![A-Za-z0-9_.])outputs\\.([A-Za-z0-9_-]+)");

  /** A step's text: {@code outputs.x} read from the steps before it that write outputs, then the rest as {@link #expression}. */
  private static String stepExpression(String text, List<String> writers) {
    Matcher m = TEMPLATE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String body = STEP_OUTPUT.matcher(m.group(1).trim()).replaceAll(r -> Matcher.quoteReplacement(stepOutput(writers, r.group(1))));
      m.appendReplacement(out, Matcher.quoteReplacement("${{ " + condition(body) + " }}"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The value the latest of {@code writers} wrote as {@code name}: {@code (steps.out3.outputs.x || steps.out1.outputs.x)}. */
  private static String stepOutput(List<String> writers, String name) {
    if (writers.isEmpty()) return "''";
    List<String> reads = new ArrayList<>();
    for (int i = writers.size() - 1; i >= 0; i--) reads.add("steps." + writers.get(i) + ".outputs." + name);
    return reads.size() == 1 ? reads.get(0) : "(" + String.join(" || ", reads) + ")";
  }

  private static final Pattern TEMPLATE = Pattern.compile("\\$\\{\\{(.*?)}}", Pattern.DOTALL);

  private static Map<String, String> expressions(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, expression(v)));
    return out;
  }

  /** Text with PipelineKit expressions in GitHub's terms. */
  static String expression(String text) {
    Matcher m = TEMPLATE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement("${{ " + condition(m.group(1).trim()) + " }}"));
    m.appendTail(out);
    return out.toString();
  }

  /** A condition or expression: branch → github.ref_name, params.x → inputs.x, stages.x.outputs → needs.x.outputs, ... */
  static String condition(String expr) {
    return expr.replaceAll("(?<![A-Za-z0-9_.])branch(?![A-Za-z0-9_(])", "github.ref_name")
        .replaceAll("(?<![A-Za-z0-9_.])execution\\.number(?![A-Za-z0-9_])", "github.run_number")
        .replaceAll("(?<![A-Za-z0-9_.])execution\\.id(?![A-Za-z0-9_])", "github.run_id")
        .replaceAll("(?<![A-Za-z0-9_.])pipeline\\.(id|name)(?![A-Za-z0-9_])", "github.workflow")
        .replaceAll("(?<![A-Za-z0-9_.])workspace(?![A-Za-z0-9_(])", "github.workspace")
        .replaceAll("(?<![A-Za-z0-9_.])stages\\.([A-Za-z0-9_-]+)\\.result(?![A-Za-z0-9_])", "needs.$1.result")
        .replaceAll("(?<![A-Za-z0-9_.])commit(?![A-Za-z0-9_(])", "github.sha")
        .replaceAll("(?<![A-Za-z0-9_.])tag(?![A-Za-z0-9_(])", "(startsWith(github.ref, 'refs/tags/') && github.ref_name || '')")
        .replaceAll("(?<![A-Za-z0-9_.])trigger\\.kind(?![A-Za-z0-9_])", "github.event_name")
        .replaceAll("(?<![A-Za-z0-9_.])trigger\\.actor(?![A-Za-z0-9_])", "github.actor")
        .replaceAll("(?<![A-Za-z0-9_.])params\\.", "inputs.")
        .replaceAll("(?<![A-Za-z0-9_.])stages\\.([A-Za-z0-9_-]+)\\.outputs\\.", "needs.$1.outputs.")
        .replace("'pull-request'", "'pull_request'").replace("'manual'", "'workflow_dispatch'");
  }

  /**
   * What GitHub has in expressions (docs.github.com, "Contexts" and "Expressions"): the contexts and functions a workflow
   * may use. Anything else in the written workflow is one of PipelineKit's own and GitHub would reject or misread it.
   */
  static final java.util.Set<String> GITHUB_CONTEXTS = java.util.Set.of("github", "env", "vars", "job", "jobs", "steps", "runner",
      "secrets", "strategy", "matrix", "needs", "inputs");
  static final java.util.Set<String> GITHUB_FUNCTIONS = java.util.Set.of("contains", "startsWith", "endsWith", "format", "join",
      "toJSON", "fromJSON", "hashFiles", "success", "always", "cancelled", "failure");

  /** Every expression in the written workflow that reads a context or calls a function GitHub does not have. */
  private static List<String> foreignExpressions(Object node) {
    java.util.Set<String> found = new java.util.LinkedHashSet<>();
    collect(node, "", found);
    return List.copyOf(found);
  }

  private static void collect(Object node, String at, java.util.Set<String> found) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> collect(v, at.isEmpty() ? String.valueOf(k) : at + "." + k, found));
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) collect(l.get(i), at + "[" + i + "]", found);
    } else if (node instanceof String text) {
      boolean condition = at.endsWith(".if");
      List<String> bodies = new ArrayList<>();
      Matcher m = TEMPLATE.matcher(text);
      while (m.find()) bodies.add(m.group(1).trim());
      if (condition && bodies.isEmpty()) bodies.add(text);
      for (String body : bodies) {
        org.pipelinekit.core.expr.Expression e;
        try {
          e = org.pipelinekit.core.expr.Expression.parse(body);
        } catch (RuntimeException unparsed) {
          continue; // (validation reported it; GitHub's grammar is a superset here)
        }
        for (var r : e.references()) {
          if (!GITHUB_CONTEXTS.contains(r.path().get(0))) {
            found.add(at + ": ${{ " + String.join(".", r.path()) + " }} has no counterpart in GitHub's contexts");
          }
        }
        for (var c : e.calls()) {
          if (!GITHUB_FUNCTIONS.contains(c.function())) found.add(at + ": GitHub has no function " + c.function() + "()");
        }
      }
    }
  }
}
