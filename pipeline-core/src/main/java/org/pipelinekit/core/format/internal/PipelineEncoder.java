package org.pipelinekit.core.format.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.model.NotifyRule;
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

/**
 * The canonical file form of a pipeline as an ordered tree of maps, lists and scalars: keys in a
 * fixed order, defaults and empty values left out. YAML, JSON and HCL are all written from it, so
 * the three agree and export → import → export is byte-identical.
 */
public final class PipelineEncoder {
  /** The value of the first key, {@code pipelinekit:}; bumped when the file shape changes. */
  public static final int FORMAT_VERSION = 1;

  private PipelineEncoder() {}

  public static Map<String, Object> encode(Pipeline p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pipelinekit", (long) FORMAT_VERSION);
    m.put("id", p.id());
    p.name().ifPresent(v -> m.put("name", v));
    p.description().ifPresent(v -> m.put("description", v));
    if (!p.parameters().isEmpty()) m.put("parameters", p.parameters().stream().map(PipelineEncoder::parameter).toList());
    if (!p.triggers().isEmpty()) m.put("triggers", p.triggers().stream().map(PipelineEncoder::trigger).toList());
    if (!p.env().isEmpty()) m.put("env", new LinkedHashMap<>(p.env()));
    if (!p.defaults().isEmpty()) m.put("defaults", defaults(p.defaults()));
    p.timeout().ifPresent(t -> m.put("timeout", Durations.format(t)));
    p.concurrency().ifPresent(c -> {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("group", c.group());
      if (c.cancelInProgress()) cm.put("cancelInProgress", true);
      c.queueLimit().ifPresent(q -> cm.put("queueLimit", (long) q));
      m.put("concurrency", cm);
    });
    if (p.workspace() != WorkspaceMode.ISOLATED) m.put("workspace", p.workspace().id());
    p.template().ifPresent(t -> {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("id", t.id());
      tm.put("version", t.version());
      if (!t.values().isEmpty()) tm.put("values", new LinkedHashMap<>(t.values()));
      m.put("template", tm);
    });
    if (!p.notifications().isEmpty()) {
      m.put("notify", p.notifications().stream().map(r -> {
        Map<String, Object> rm = new LinkedHashMap<>();
        rm.put("on", r.events().stream().map(NotifyRule.Event::id).toList());
        if (!r.branches().isEmpty()) rm.put("branches", r.branches());
        rm.put(r.channel(), new LinkedHashMap<>(r.settings()));
        return rm;
      }).toList());
    }
    m.put("stages", p.stages().stream().map(PipelineEncoder::stage).toList());
    if (p.version() > 0) m.put("version", p.version());
    p.signature().ifPresent(sig -> {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("key", sig.key());
      sm.put("value", sig.value());
      m.put("signature", sm);
    });
    return m;
  }

  private static Map<String, Object> parameter(Parameter p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    if (p.type() != ParameterType.STRING) m.put("type", p.type().id());
    if (!p.options().isEmpty()) m.put("options", p.options());
    p.defaultValue().ifPresent(v -> m.put("default", v));
    p.description().ifPresent(v -> m.put("description", v));
    if (p.required()) m.put("required", true);
    return m;
  }

  private static Map<String, Object> trigger(Trigger t) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (t instanceof Trigger.Push push) {
      putList(body, "branches", push.branches());
      putList(body, "tags", push.tags());
      putList(body, "paths", push.paths());
    } else if (t instanceof Trigger.PullRequest pr) {
      putList(body, "branches", pr.branches());
      putList(body, "paths", pr.paths());
    } else if (t instanceof Trigger.Schedule s) {
      body.put("cron", s.cron());
      s.timezone().ifPresent(z -> body.put("timezone", z));
    } else if (t instanceof Trigger.Upstream u) {
      body.put("pipeline", u.pipeline());
      if (!u.on().equals(List.of("success"))) putList(body, "on", u.on());
      putList(body, "branches", u.branches());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(t.kind(), body);
    return m;
  }

  private static Map<String, Object> defaults(Defaults d) {
    Map<String, Object> m = new LinkedHashMap<>();
    d.timeout().ifPresent(t -> m.put("timeout", Durations.format(t)));
    d.retry().ifPresent(r -> m.put("retry", retry(r)));
    d.resources().ifPresent(r -> m.put("resources", resources(r)));
    return m;
  }

  private static Map<String, Object> stage(Stage s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    s.name().ifPresent(v -> m.put("name", v));
    putList(m, "needs", s.needs());
    s.dependencies().ifPresent(d -> m.put("dependencies", d)); // an empty list means none, so it is written
    if (!s.type().equals(Stage.SHELL)) m.put("type", s.type());
    s.when().ifPresent(v -> m.put("when", v));
    s.image().ifPresent(v -> m.put("image", v));
    if (!s.inputs().isEmpty()) m.put("with", new LinkedHashMap<>(s.inputs()));
    if (!s.env().isEmpty()) m.put("env", new LinkedHashMap<>(s.env()));
    s.matrix().ifPresent(x -> m.put("matrix", matrix(x)));
    s.retry().ifPresent(r -> m.put("retry", retry(r)));
    s.timeout().ifPresent(t -> m.put("timeout", Durations.format(t)));
    s.resources().ifPresent(r -> m.put("resources", resources(r)));
    if (s.caches().size() == 1) {
      m.put("cache", cache(s.caches().get(0)));
    } else if (!s.caches().isEmpty()) {
      m.put("cache", s.caches().stream().map(PipelineEncoder::cache).toList());
    }
    s.artifacts().ifPresent(a -> m.put("artifacts", artifacts(a)));
    s.environment().ifPresent(e -> m.put("environment", environment(e)));
    s.approval().ifPresent(a -> {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("approvers", a.approvers());
      if (a.required() != 1) am.put("required", (long) a.required());
      a.timeout().ifPresent(t -> am.put("timeout", Durations.format(t)));
      m.put("approval", am);
    });
    if (!s.continueOnErrorExitCodes().isEmpty()) {
      m.put("continueOnError", Map.of("exitCodes", s.continueOnErrorExitCodes().stream().map(Integer::longValue).toList()));
    } else if (s.continueOnError()) {
      m.put("continueOnError", true);
    }
    s.memoize().ifPresent(k -> m.put("memoize", k));
    putList(m, "outputs", s.outputs());
    putList(m, "runsOn", s.runsOn());
    if (!s.gates().isEmpty()) m.put("gates", new LinkedHashMap<>(s.gates()));
    if (!s.steps().isEmpty()) m.put("steps", s.steps().stream().map(PipelineEncoder::step).toList());
    return m;
  }

  private static Map<String, Object> step(Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    s.name().ifPresent(v -> m.put("name", v));
    m.put("run", s.run());
    if (!s.env().isEmpty()) m.put("env", new LinkedHashMap<>(s.env()));
    s.workingDirectory().ifPresent(v -> m.put("workingDirectory", v));
    s.timeout().ifPresent(t -> m.put("timeout", Durations.format(t)));
    s.when().ifPresent(w -> m.put("when", w));
    if (s.continueOnError()) m.put("continueOnError", true);
    return m;
  }

  private static Map<String, Object> matrix(Matrix x) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!x.axes().isEmpty()) m.put("axes", new LinkedHashMap<>(x.axes()));
    if (!x.include().isEmpty()) m.put("include", x.include());
    if (!x.exclude().isEmpty()) m.put("exclude", x.exclude());
    if (!x.failFast()) m.put("failFast", false);
    x.maxParallel().ifPresent(n -> m.put("maxParallel", (long) n));
    return m;
  }

  private static Map<String, Object> retry(RetryPolicy r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("limit", (long) r.limit());
    if (!r.on().equals(RetryPolicy.ALL_FAILURES)) m.put("on", r.on().stream().map(RetryOn::id).toList());
    if (!r.exitCodes().isEmpty()) m.put("exitCodes", r.exitCodes().stream().map(Integer::longValue).toList());
    if (!r.backoff().equals(Backoff.DEFAULT)) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("initial", Durations.format(r.backoff().initial()));
      b.put("factor", factor(r.backoff().factor()));
      b.put("max", Durations.format(r.backoff().max()));
      m.put("backoff", b);
    }
    return m;
  }

  private static Object factor(double f) {
    return f == Math.rint(f) && f < 1e15 ? (Object) (long) f : (Object) f;
  }

  private static Map<String, Object> resources(Resources r) {
    Map<String, Object> m = new LinkedHashMap<>();
    r.cpuMillicores().ifPresent(c -> m.put("cpu", c % 1000 == 0 ? (Object) (c / 1000) : Resources.formatCpu(c)));
    r.memoryBytes().ifPresent(b -> m.put("memory", Resources.formatMemory(b)));
    return m;
  }

  private static Map<String, Object> cache(CacheSpec c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", c.key());
    putList(m, "restoreKeys", c.restoreKeys());
    m.put("paths", c.paths());
    if (c.scope() != CacheScope.BRANCH) m.put("scope", c.scope().id());
    if (c.policy() != CachePolicy.PULL_PUSH) m.put("policy", c.policy().id());
    return m;
  }

  private static Map<String, Object> artifacts(ArtifactSpec a) {
    Map<String, Object> m = new LinkedHashMap<>();
    a.name().ifPresent(n -> m.put("name", n));
    m.put("paths", a.paths());
    a.retention().ifPresent(r -> m.put("retention", Durations.format(r)));
    if (a.when() != ArtifactWhen.ON_SUCCESS) m.put("when", a.when().id());
    return m;
  }

  private static Object environment(Environment e) {
    if (e.url().isEmpty() && e.variables().isEmpty() && e.protection().isEmpty()) {
      return e.name();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    e.url().ifPresent(u -> m.put("url", u));
    if (!e.variables().isEmpty()) m.put("variables", new LinkedHashMap<>(e.variables()));
    e.protection().ifPresent(p -> {
      Map<String, Object> pm = new LinkedHashMap<>();
      putList(pm, "branches", p.branches());
      putList(pm, "approvers", p.approvers());
      m.put("protection", pm);
    });
    return m;
  }

  private static void putList(Map<String, Object> m, String key, List<String> values) {
    if (!values.isEmpty()) m.put(key, new ArrayList<>(values));
  }
}
