package org.pipelinekit.dsl.code;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.model.Backoff;
import org.pipelinekit.core.model.ArtifactWhen;
import org.pipelinekit.core.model.CachePolicy;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.model.WorkspaceMode;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Defaults;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.Environment;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.ParameterType;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.RetryPolicy;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.Trigger;

/** Writes a pipeline as a {@code .pipeline.kts} script of the Kotlin DSL; evaluating it gives the pipeline back. */
final class KotlinExporter {
  /**
   * Stages per function: a longer pipeline's stages go into extension functions of this many, so no
   * compiled lambda comes near the JVM's 64 KiB method limit (2,000 stages in one block still fit).
   */
  static final int STAGES_PER_FUNCTION = 1_000;

  private final StringBuilder out = new StringBuilder();
  private int depth;
  private int functions;

  private KotlinExporter() {}

  static String export(List<Pipeline> pipelines) {
    KotlinExporter k = new KotlinExporter();
    for (int i = 0; i < pipelines.size(); i++) {
      if (i > 0) k.out.append('\n');
      k.pipeline(pipelines.get(i));
    }
    return k.out.toString();
  }

  private void line(String text) {
    out.append("    ".repeat(depth)).append(text).append('\n');
  }

  private void open(String text) {
    line(text + " {");
    depth++;
  }

  private void close() {
    depth--;
    line("}");
  }

  private void pipeline(Pipeline p) {
    List<String> parts = new java.util.ArrayList<>();
    if (p.stages().size() > STAGES_PER_FUNCTION) {
      for (int from = 0; from < p.stages().size(); from += STAGES_PER_FUNCTION) {
        String name = "stagesPart" + ++functions;
        parts.add(name + "()");
        open("fun PipelineScope." + name + "()");
        p.stages().subList(from, Math.min(p.stages().size(), from + STAGES_PER_FUNCTION)).forEach(this::stage);
        close();
        out.append('\n');
      }
    }
    open("pipeline(" + str(p.id()) + (Strictness.strict(p) ? "" : ", draft = true") + ")");
    p.name().ifPresent(n -> line("name = " + str(n)));
    p.description().ifPresent(d -> line("description = " + str(d)));
    for (Parameter param : p.parameters()) parameter(param);
    if (!p.triggers().isEmpty()) {
      open("trigger");
      p.triggers().forEach(this::trigger);
      close();
    }
    p.env().forEach((k, v) -> line("env(" + str(k) + ", " + str(v) + ")"));
    if (!p.defaults().isEmpty()) defaults(p.defaults());
    p.timeout().ifPresent(t -> line("timeout = " + duration(t)));
    p.template().ifPresent(t -> line("template(" + str(t.id()) + ", " + str(t.version()) + ", " + value(t.values()) + ")"));
    p.concurrency().ifPresent(c -> line("concurrency(" + str(c.group()) + ", cancelInProgress = " + c.cancelInProgress()
        + c.queueLimit().map(q -> ", queueLimit = " + q).orElse("") + ")"));
    if (p.workspace() != WorkspaceMode.ISOLATED) line("workspace = WorkspaceMode." + p.workspace().name());
    if (parts.isEmpty()) p.stages().forEach(this::stage);
    parts.forEach(this::line);
    if (p.version() > 0) line("version = " + p.version() + "L");
    close();
  }

  private void parameter(Parameter p) {
    open("parameter(" + str(p.name()) + ")");
    if (p.type() == ParameterType.CHOICE) {
      line("choice(" + strs(p.options()) + ")");
    } else if (p.type() != ParameterType.STRING) {
      line("type = ParameterType." + p.type().name());
    }
    p.defaultValue().ifPresent(v -> line("default = " + value(v)));
    p.description().ifPresent(d -> line("description = " + str(d)));
    if (p.required()) line("required = true");
    close();
  }

  private void trigger(Trigger t) {
    if (t instanceof Trigger.Push push) {
      line("push(" + join(strs(push.branches()), push.tags().isEmpty() ? "" : "tags = " + list(push.tags()),
          push.paths().isEmpty() ? "" : "paths = " + list(push.paths())) + ")");
    } else if (t instanceof Trigger.PullRequest pr) {
      line("pullRequest(" + join(strs(pr.branches()), pr.paths().isEmpty() ? "" : "paths = " + list(pr.paths())) + ")");
    } else if (t instanceof Trigger.Schedule s) {
      line("schedule(" + str(s.cron()) + s.timezone().map(z -> ", timezone = " + str(z)).orElse("") + ")");
    } else if (t instanceof Trigger.Upstream u) {
      line(u.on().equals(List.of("success")) && u.branches().isEmpty() ? "upstream(" + str(u.pipeline()) + ")"
          : "upstream(" + str(u.pipeline()) + ", on = listOf(" + strs(u.on()) + "), branches = listOf(" + strs(u.branches()) + "))");
    } else {
      line(t.kind() + "()");
    }
  }

  private void defaults(Defaults d) {
    open("defaults");
    d.timeout().ifPresent(t -> line("timeout = " + duration(t)));
    d.retry().ifPresent(this::retry);
    d.resources().ifPresent(r -> line(resources(r)));
    close();
  }

  private void retry(RetryPolicy r) {
    open("retry");
    line("limit = " + r.limit());
    if (!r.on().equals(RetryPolicy.ALL_FAILURES)) {
      line("on(" + r.on().stream().map(o -> "RetryOn." + o.name()).collect(Collectors.joining(", ")) + ")");
    }
    if (!r.exitCodes().isEmpty()) {
      line("exitCodes(" + r.exitCodes().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")");
    }
    Backoff b = r.backoff();
    if (b.equals(Backoff.NONE)) {
      line("noBackoff()");
    } else if (!b.equals(Backoff.DEFAULT)) {
      line("backoff(" + duration(b.initial()) + ", " + b.factor() + ", " + duration(b.max()) + ")");
    }
    close();
  }

  private static String resources(Resources r) {
    return "resources(" + join(r.cpuMillicores().map(c -> "cpu = " + str(Resources.formatCpu(c))).orElse(""),
        r.memoryBytes().map(m -> "memory = " + str(Resources.formatMemory(m))).orElse("")) + ")";
  }

  private void stage(Stage s) {
    open("stage(" + str(s.id()) + ")");
    s.name().ifPresent(n -> line("name = " + str(n)));
    if (!s.needs().isEmpty()) line("needs(" + strs(s.needs()) + ")");
    s.dependencies().ifPresent(d -> line("dependencies(" + strs(d) + ")"));
    if (!s.type().equals(Stage.SHELL)) line("type = " + str(s.type()));
    s.when().ifPresent(w -> line("condition = " + str(w)));
    s.image().ifPresent(i -> line("image = " + str(i)));
    s.inputs().forEach((k, v) -> line("with(" + str(k) + ", " + value(v) + ")"));
    s.env().forEach((k, v) -> line("env(" + str(k) + ", " + str(v) + ")"));
    s.matrix().ifPresent(this::matrix);
    s.retry().ifPresent(this::retry);
    s.timeout().ifPresent(t -> line("timeout = " + duration(t)));
    s.resources().ifPresent(r -> line(resources(r)));
    s.caches().forEach(this::cache);
    s.artifacts().ifPresent(this::artifacts);
    s.environment().ifPresent(this::environment);
    s.approval().ifPresent(a -> {
      open("approval");
      if (!a.approvers().isEmpty()) line("approvers(" + strs(a.approvers()) + ")");
      if (a.required() != 1) line("required = " + a.required());
      a.timeout().ifPresent(t -> line("timeout = " + duration(t)));
      close();
    });
    if (!s.continueOnErrorExitCodes().isEmpty()) {
      line("continueOnErrorExitCodes(" + s.continueOnErrorExitCodes().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")");
    } else if (s.continueOnError()) {
      line("continueOnError = true");
    }
    s.memoize().ifPresent(k -> line("memoize = " + str(k)));
    if (!s.outputs().isEmpty()) line("outputs(" + strs(s.outputs()) + ")");
    if (!s.runsOn().isEmpty()) line("runsOn(" + strs(s.runsOn()) + ")");
    s.gates().forEach((name, condition) -> line("gate(" + str(name) + ", " + str(condition) + ")"));
    s.steps().forEach(this::step);
    close();
  }

  private void matrix(Matrix m) {
    open("matrix");
    m.axes().forEach((k, v) -> line("axis(" + str(k) + (v.isEmpty() ? "" : ", " + strs(v)) + ")"));
    m.include().forEach(e -> line("include(" + pairs(e) + ")"));
    m.exclude().forEach(e -> line("exclude(" + pairs(e) + ")"));
    if (!m.failFast()) line("failFast = false");
    m.maxParallel().ifPresent(n -> line("maxParallel = " + n));
    close();
  }

  private void cache(CacheSpec c) {
    open("cache");
    line("key = " + str(c.key()));
    if (!c.restoreKeys().isEmpty()) line("restoreKeys(" + strs(c.restoreKeys()) + ")");
    line("path(" + strs(c.paths()) + ")");
    if (c.scope() != CacheScope.BRANCH) line("scope = CacheScope." + c.scope().name());
    if (c.policy() != CachePolicy.PULL_PUSH) line("policy = CachePolicy." + c.policy().name());
    close();
  }

  private void artifacts(ArtifactSpec a) {
    open("artifacts");
    a.name().ifPresent(n -> line("name = " + str(n)));
    line("path(" + strs(a.paths()) + ")");
    a.retention().ifPresent(r -> line("retention = " + duration(r)));
    if (a.when() != ArtifactWhen.ON_SUCCESS) line("`when` = ArtifactWhen." + a.when().name());
    close();
  }

  private void environment(Environment e) {
    if (e.url().isEmpty() && e.variables().isEmpty() && e.protection().isEmpty()) {
      line("environment(" + str(e.name()) + ")");
      return;
    }
    open("environment(" + str(e.name()) + ")");
    e.url().ifPresent(u -> line("url = " + str(u)));
    e.variables().forEach((k, v) -> line("variable(" + str(k) + ", " + str(v) + ")"));
    e.protection().ifPresent(p -> {
      if (!p.branches().isEmpty()) line("protectBranches(" + strs(p.branches()) + ")");
      if (!p.approvers().isEmpty()) line("requireApprovalFrom(" + strs(p.approvers()) + ")");
    });
    close();
  }

  private void step(Step s) {
    if (s.env().isEmpty() && s.workingDirectory().isEmpty() && s.timeout().isEmpty() && s.when().isEmpty() && !s.continueOnError()) {
      line(s.name().map(n -> "run(" + str(n) + ", " + str(s.run()) + ")").orElse("run(" + str(s.run()) + ")"));
      return;
    }
    open("step(" + str(s.run()) + ")");
    s.name().ifPresent(n -> line("name = " + str(n)));
    s.env().forEach((k, v) -> line("env(" + str(k) + ", " + str(v) + ")"));
    s.workingDirectory().ifPresent(w -> line("workingDirectory = " + str(w)));
    s.timeout().ifPresent(t -> line("timeout = " + duration(t)));
    s.when().ifPresent(w -> line("condition = " + str(w)));
    if (s.continueOnError()) line("continueOnError = true");
    close();
  }

  // ---- literals ----

  private static String duration(Duration d) {
    return "duration(" + str(Durations.format(d)) + ")";
  }

  static String value(Object v) {
    if (v instanceof String s) return str(s);
    if (v instanceof Long l) return l == Long.MIN_VALUE ? "Long.MIN_VALUE" : l + "L";
    if (v instanceof Double d) return Double.toString(d);
    if (v instanceof Boolean b) return b.toString();
    if (v instanceof List<?> list) {
      return list.isEmpty() ? "emptyList<Any>()" : "listOf(" + list.stream().map(KotlinExporter::value).collect(Collectors.joining(", ")) + ")";
    }
    Map<?, ?> map = (Map<?, ?>) v;
    return map.isEmpty() ? "emptyMap<String, Any>()" : "mapOf(" + map.entrySet().stream()
        .map(e -> str((String) e.getKey()) + " to " + value(e.getValue())).collect(Collectors.joining(", ")) + ")";
  }

  private static String list(List<String> values) {
    return values.isEmpty() ? "emptyList()" : "listOf(" + strs(values) + ")";
  }

  private static String strs(List<String> values) {
    return values.stream().map(KotlinExporter::str).collect(Collectors.joining(", "));
  }

  private static String pairs(Map<String, String> entry) {
    return entry.entrySet().stream().map(e -> str(e.getKey()) + " to " + str(e.getValue())).collect(Collectors.joining(", "));
  }

  private static String join(String... parts) {
    return java.util.Arrays.stream(parts).filter(p -> !p.isEmpty()).collect(Collectors.joining(", "));
  }

  /** A Kotlin string literal: quotes, backslashes, dollars and control characters escaped. */
  static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '$' -> sb.append("\\$");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
