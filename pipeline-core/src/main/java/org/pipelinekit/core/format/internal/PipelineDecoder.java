package org.pipelinekit.core.format.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.Suggestions;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.NotifyRule;
import org.pipelinekit.core.model.TemplateOrigin;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.model.Backoff;
import org.pipelinekit.core.model.ArtifactWhen;
import org.pipelinekit.core.model.CachePolicy;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.model.WorkspaceMode;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Concurrency;
import org.pipelinekit.core.model.Defaults;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.Environment;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.ParameterType;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.PipelineSignature;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.RetryPolicy;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.format.internal.Tree.Entry;
import org.pipelinekit.core.format.internal.Tree.ListNode;
import org.pipelinekit.core.format.internal.Tree.MapNode;
import org.pipelinekit.core.format.internal.Tree.Scalar;

/**
 * Reads the canonical file form into a {@link Pipeline}, collecting every shape problem (unknown
 * keys, wrong types, bad durations) with its line and column instead of stopping at the first.
 * Graph and reference problems are left to {@code PipelineValidator}.
 */
public final class PipelineDecoder {
  private static final Set<String> TOP = Set.of("pipelinekit", "id", "name", "description", "parameters", "triggers", "env",
      "defaults", "timeout", "concurrency", "workspace", "template", "notify", "stages", "version", "signature");
  private static final Set<String> STAGE = Set.of("id", "name", "needs", "dependencies", "type", "when", "image", "with", "env", "matrix", "retry",
      "timeout", "resources", "cache", "artifacts", "environment", "approval", "continueOnError", "memoize", "outputs", "steps", "runsOn", "gates");
  private static final List<String> TRIGGERS = List.of("push", "pull-request", "schedule", "manual", "api", "upstream");

  private final String source;
  private final List<FormatProblem> problems = new ArrayList<>();

  private PipelineDecoder(String source) {
    this.source = source;
  }

  /** Parses and decodes; {@code source} names the input in messages (a file name, or empty). */
  public static Pipeline read(String text, boolean yaml, String source) {
    Tree tree = TreeParser.parse(text, yaml, source);
    PipelineDecoder d = new PipelineDecoder(source);
    Pipeline p = d.pipeline(tree);
    if (!d.problems.isEmpty() || p == null) {
      throw new PipelineFormatException(source, d.problems, p);
    }
    return p;
  }

  private @Nullable Pipeline pipeline(Tree tree) {
    MapNode m = map(tree, "");
    if (m == null) return null;
    keys(m, "", TOP);
    Entry format = m.entries().get("pipelinekit");
    if (format != null) {
      Long v = integer(format.value(), "pipelinekit");
      if (v != null && v != PipelineEncoder.FORMAT_VERSION) {
        problem(format.value(), "pipelinekit", "this file is format version " + v + "; this PipelineKit reads version "
            + PipelineEncoder.FORMAT_VERSION + (v > PipelineEncoder.FORMAT_VERSION ? " (it was written by a newer PipelineKit)" : ""));
      }
    }
    Entry idEntry = m.entries().get("id");
    if (idEntry == null) {
      problems.add(new FormatProblem("id", m.line(), m.column(), "the pipeline has no id; add id: <name> (lower-case letters, digits, - and _)"));
      return null;
    }
    String id = string(idEntry.value(), "id");
    if (id == null || id.isBlank()) {
      if (id != null) problem(idEntry.value(), "id", "the pipeline id is empty");
      return null;
    }
    Pipeline.Builder b = Pipeline.draft(id);
    opt(m, "name", "name", (t, p) -> string(t, p), b::name);
    opt(m, "description", "description", (t, p) -> string(t, p), b::description);
    list(m, "parameters", (t, p) -> parameter(t, p), b::parameter);
    list(m, "triggers", (t, p) -> trigger(t, p), b::trigger);
    opt(m, "env", "env", (t, p) -> stringMap(t, p), env -> env.forEach(b::env));
    opt(m, "defaults", "defaults", (t, p) -> defaults(t, p), b::defaults);
    opt(m, "timeout", "timeout", (t, p) -> duration(t, p), b::timeout);
    opt(m, "concurrency", "concurrency", (t, p) -> concurrency(t, p), b::concurrency);
    opt(m, "workspace", "workspace", (t, p) -> choice(t, p, WorkspaceMode::fromId), b::workspace);
    opt(m, "template", "template", (t, p) -> template(t, p), b::template);
    list(m, "notify", (t, p) -> notifyRule(t, p), b::notification);
    Entry stages = m.entries().get("stages");
    if (stages == null) {
      problems.add(new FormatProblem("stages", m.line(), m.column(), "the pipeline has no stages: key; add stages: [...]"));
    } else {
      list(m, "stages", (t, p) -> stage(t, p), b::stage);
    }
    opt(m, "version", "version", (t, p) -> integer(t, p), b::version);
    opt(m, "signature", "signature", (t, p) -> signature(t, p), b::signature);
    return attempt(m, "", b::build);
  }

  private @Nullable Parameter parameter(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("name", "type", "options", "default", "description", "required"));
    String name = required(m, "name", path, this::string);
    if (name == null) return null;
    Parameter.Builder b = new Parameter.Builder(name);
    opt(m, "type", path + ".type", (x, p) -> choice(x, p, ParameterType::fromId), b::type);
    Entry options = m.entries().get("options");
    if (options != null) {
      List<String> values = strings(options.value(), path + ".options");
      if (values != null) {
        attempt(options.value(), path + ".options", () -> b.choice(values.toArray(String[]::new)));
      }
    }
    opt(m, "default", path + ".default", (x, p) -> plain(x, p), b::defaultValue);
    opt(m, "description", path + ".description", (x, p) -> string(x, p), b::description);
    opt(m, "required", path + ".required", (x, p) -> bool(x, p), b::required);
    return attempt(m, path, b::build);
  }

  private @Nullable Trigger trigger(Tree t, String path) {
    if (t instanceof Scalar s && s.value() instanceof String kind && (kind.equals("manual") || kind.equals("api"))) {
      return kind.equals("manual") ? Trigger.manual() : Trigger.api();
    }
    MapNode m = map(t, path);
    if (m == null) return null;
    if (m.entries().size() != 1) {
      problem(t, path, "a trigger is a map with one key, one of " + String.join(", ", TRIGGERS) + "; got " + m.entries().keySet());
      return null;
    }
    Entry e = m.entries().values().iterator().next();
    String kind = e.key();
    String p = path + "." + kind;
    if (!TRIGGERS.contains(kind)) {
      problems.add(new FormatProblem(path, e.line(), e.column(), "'" + kind + "' is not a trigger" + Suggestions.didYouMean(kind, TRIGGERS)
          + "; use one of " + String.join(", ", TRIGGERS)));
      return null;
    }
    MapNode body = e.value() instanceof Scalar s && s.value() == null
        ? new MapNode(Map.of(), e.line(), e.column()) : map(e.value(), p);
    if (body == null) return null;
    switch (kind) {
      case "push" -> {
        keys(body, p, Set.of("branches", "tags", "paths"));
        return new Trigger.Push(stringsOr(body, "branches", p), stringsOr(body, "tags", p), stringsOr(body, "paths", p));
      }
      case "pull-request" -> {
        keys(body, p, Set.of("branches", "paths"));
        return new Trigger.PullRequest(stringsOr(body, "branches", p), stringsOr(body, "paths", p));
      }
      case "schedule" -> {
        keys(body, p, Set.of("cron", "timezone"));
        String cron = required(body, "cron", p, this::string);
        Optional<String> zone = Optional.ofNullable(body.entries().get("timezone")).map(z -> string(z.value(), p + ".timezone"));
        return cron == null ? null : attempt(body, p, () -> new Trigger.Schedule(cron, zone));
      }
      case "upstream" -> {
        keys(body, p, Set.of("pipeline", "on", "branches"));
        String pipeline = required(body, "pipeline", p, this::string);
        List<String> on = stringsOr(body, "on", p);
        List<String> branches = stringsOr(body, "branches", p);
        return pipeline == null ? null : attempt(body, p, () -> new Trigger.Upstream(pipeline, on, branches));
      }
      default -> {
        keys(body, p, Set.of());
        return kind.equals("manual") ? Trigger.manual() : Trigger.api();
      }
    }
  }

  private @Nullable Defaults defaults(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("timeout", "retry", "resources"));
    Optional<Duration> timeout = Optional.ofNullable(m.entries().get("timeout")).map(e -> duration(e.value(), path + ".timeout"));
    Optional<RetryPolicy> retry = Optional.ofNullable(m.entries().get("retry")).map(e -> retry(e.value(), path + ".retry"));
    Optional<Resources> resources = Optional.ofNullable(m.entries().get("resources")).map(e -> resources(e.value(), path + ".resources"));
    return attempt(m, path, () -> new Defaults(timeout, retry, resources));
  }

  private @Nullable Concurrency concurrency(Tree t, String path) {
    if (t instanceof Scalar) {
      String group = string(t, path);
      return group == null ? null : attempt(t, path, () -> Concurrency.of(group, false));
    }
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("group", "cancelInProgress", "queueLimit"));
    String group = required(m, "group", path, this::string);
    Boolean cancel = Optional.ofNullable(m.entries().get("cancelInProgress")).map(e -> bool(e.value(), path + ".cancelInProgress")).orElse(false);
    Optional<Integer> queue = Optional.ofNullable(m.entries().get("queueLimit")).map(e -> integer(e.value(), path + ".queueLimit"))
        .map(Long::intValue);
    return group == null ? null : attempt(m, path, () -> new Concurrency(group, cancel, queue));
  }

  /** {@code {on: [failed, fixed], branches: [main], slack: {webhook_url: ...}}}: the events, the branches and one channel. */
  private @Nullable NotifyRule notifyRule(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    List<String> channels = m.entries().keySet().stream().filter(k -> !k.equals("on") && !k.equals("branches")).toList();
    if (channels.size() != 1) {
      problem(t, path, channels.isEmpty() ? "names no channel; add one such as slack: {webhook_url: ...}, email, webhook, jira, datadog"
          + " or pagerduty" : "names " + channels.size() + " channels " + channels + "; write one rule per channel");
      return null;
    }
    String channel = channels.get(0);
    List<String> on = required(m, "on", path, this::strings);
    List<String> branches = stringsOr(m, "branches", path);
    Map<String, String> settings = stringMap(m.entries().get(channel).value(), join(path, channel));
    if (on == null || settings == null) return null;
    java.util.Set<NotifyRule.Event> events = new java.util.LinkedHashSet<>();
    for (int i = 0; i < on.size(); i++) {
      String id = on.get(i);
      int index = i;
      NotifyRule.Event e = attempt(m.entries().get("on").value(), path + ".on[" + index + "]", () -> NotifyRule.Event.of(id));
      if (e != null) events.add(e);
    }
    if (events.size() != on.size()) return null;
    return attempt(m, path, () -> new NotifyRule(events, branches, channel, settings));
  }

  private @Nullable TemplateOrigin template(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("id", "version", "values"));
    String id = required(m, "id", path, this::string);
    String version = required(m, "version", path, this::string);
    Map<String, Object> values = Optional.ofNullable(m.entries().get("values")).map(e -> plainMap(e.value(), path + ".values"))
        .orElse(Map.of());
    return id == null || version == null || values == null ? null : attempt(m, path, () -> new TemplateOrigin(id, version, values));
  }

  private @Nullable Stage stage(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, STAGE);
    String id = required(m, "id", path, this::string);
    if (id == null) return null;
    if (id.isBlank()) {
      problem(m.entries().get("id").value(), path + ".id", "the stage id is empty");
      return null;
    }
    String sp = "stages." + id;
    Stage.Builder b = Stage.draft(id);
    opt(m, "name", sp + ".name", (x, p) -> string(x, p), b::name);
    opt(m, "needs", sp + ".needs", (x, p) -> strings(x, p), needs -> b.needs(needs.toArray(String[]::new)));
    opt(m, "dependencies", sp + ".dependencies", (x, p) -> strings(x, p), d -> b.dependencies(d.toArray(String[]::new)));
    opt(m, "type", sp + ".type", (x, p) -> string(x, p), b::type);
    opt(m, "when", sp + ".when", (x, p) -> string(x, p), b::when);
    opt(m, "image", sp + ".image", (x, p) -> string(x, p), b::image);
    opt(m, "with", sp + ".with", (x, p) -> plainMap(x, p), b::with);
    opt(m, "env", sp + ".env", (x, p) -> stringMap(x, p), env -> env.forEach(b::env));
    opt(m, "matrix", sp + ".matrix", (x, p) -> matrix(x, p), b::matrix);
    opt(m, "retry", sp + ".retry", (x, p) -> retry(x, p), b::retry);
    opt(m, "timeout", sp + ".timeout", (x, p) -> duration(x, p), b::timeout);
    opt(m, "resources", sp + ".resources", (x, p) -> resources(x, p), b::resources);
    Entry cache = m.entries().get("cache");
    if (cache != null) {
      if (cache.value() instanceof ListNode l) {
        for (int i = 0; i < l.items().size(); i++) {
          CacheSpec c = cache(l.items().get(i), sp + ".cache[" + i + "]");
          if (c != null) b.cache(c);
        }
      } else {
        CacheSpec c = cache(cache.value(), sp + ".cache");
        if (c != null) b.cache(c);
      }
    }
    opt(m, "artifacts", sp + ".artifacts", (x, p) -> artifacts(x, p), b::artifacts);
    opt(m, "environment", sp + ".environment", (x, p) -> environment(x, p), b::environment);
    opt(m, "approval", sp + ".approval", (x, p) -> approval(x, p), b::approval);
    Entry soft = m.entries().get("continueOnError");
    if (soft != null && soft.value() instanceof MapNode codes) {
      List<Integer> exitCodes = softExitCodes(codes, sp + ".continueOnError");
      if (exitCodes != null) b.continueOnErrorExitCodes(exitCodes.stream().mapToInt(Integer::intValue).toArray());
    } else {
      opt(m, "continueOnError", sp + ".continueOnError", (x, p) -> bool(x, p), b::continueOnError);
    }
    opt(m, "memoize", sp + ".memoize", (x, p) -> string(x, p), b::memoize);
    opt(m, "outputs", sp + ".outputs", (x, p) -> strings(x, p), o -> b.outputs(o.toArray(String[]::new)));
    opt(m, "runsOn", sp + ".runsOn", (x, p) -> strings(x, p), o -> b.runsOn(o.toArray(String[]::new)));
    opt(m, "gates", sp + ".gates", (x, p) -> stringMap(x, p), gates -> gates.forEach(b::gate));
    Entry steps = m.entries().get("steps");
    if (steps != null) {
      ListNode l = listNode(steps.value(), sp + ".steps");
      if (l != null) {
        for (int i = 0; i < l.items().size(); i++) {
          Step s = step(l.items().get(i), sp + ".steps[" + i + "]");
          if (s != null) b.step(s);
        }
      }
    }
    return attempt(m, sp, b::build);
  }

  private @Nullable Step step(Tree t, String path) {
    if (t instanceof Scalar) {
      String run = string(t, path);
      return run == null ? null : attempt(t, path, () -> Step.of(run));
    }
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("name", "run", "env", "workingDirectory", "timeout", "when", "continueOnError"));
    Step.Builder b = new Step.Builder();
    String run = required(m, "run", path, this::string);
    if (run == null) return null;
    attempt(m, path + ".run", () -> b.run(run));
    opt(m, "name", path + ".name", (x, p) -> string(x, p), b::name);
    opt(m, "env", path + ".env", (x, p) -> stringMap(x, p), env -> env.forEach(b::env));
    opt(m, "workingDirectory", path + ".workingDirectory", (x, p) -> string(x, p), b::workingDirectory);
    opt(m, "timeout", path + ".timeout", (x, p) -> duration(x, p), b::timeout);
    opt(m, "when", path + ".when", (x, p) -> string(x, p), b::when);
    opt(m, "continueOnError", path + ".continueOnError", (x, p) -> bool(x, p), b::continueOnError);
    return attempt(m, path, b::build);
  }

  private @Nullable Matrix matrix(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("axes", "include", "exclude", "failFast", "maxParallel"));
    Map<String, List<String>> axes = new LinkedHashMap<>();
    Entry axesEntry = m.entries().get("axes");
    if (axesEntry != null) {
      MapNode am = map(axesEntry.value(), path + ".axes");
      if (am != null) {
        am.entries().forEach((k, e) -> {
          List<String> values = strings(e.value(), path + ".axes." + k);
          if (values != null) axes.put(k, values);
        });
      }
    }
    List<Map<String, String>> include = entries(m, "include", path);
    List<Map<String, String>> exclude = entries(m, "exclude", path);
    boolean failFast = Optional.ofNullable(m.entries().get("failFast")).map(e -> bool(e.value(), path + ".failFast")).orElse(true);
    Optional<Integer> maxParallel = Optional.ofNullable(m.entries().get("maxParallel"))
        .map(e -> integer(e.value(), path + ".maxParallel")).map(Long::intValue);
    if (axes.isEmpty() && include.isEmpty()) {
      problem(t, path, "a matrix needs axes (axes: { jdk: [17, 21] }) or include entries");
      return null;
    }
    return attempt(m, path, () -> new Matrix(axes, include, exclude, failFast, maxParallel));
  }

  private List<Map<String, String>> entries(MapNode m, String key, String path) {
    List<Map<String, String>> out = new ArrayList<>();
    Entry e = m.entries().get(key);
    if (e == null) return out;
    ListNode l = listNode(e.value(), path + "." + key);
    if (l == null) return out;
    for (int i = 0; i < l.items().size(); i++) {
      Map<String, String> entry = stringMap(l.items().get(i), path + "." + key + "[" + i + "]");
      if (entry != null) out.add(entry);
    }
    return out;
  }

  /** {@code continueOnError: {exitCodes: [3, 137]}}: only those exit codes make a failure soft. */
  private @Nullable List<Integer> softExitCodes(MapNode m, String path) {
    keys(m, path, Set.of("exitCodes"));
    List<Integer> codes = required(m, "exitCodes", path, (t, p) -> exitCodes(t, p));
    if (codes != null && codes.isEmpty()) problem(m, path + ".exitCodes", "must list at least one exit code (or write continueOnError: true)");
    return codes == null || codes.isEmpty() ? null : codes;
  }

  /** A list of process exit codes, 0 to 255. */
  private @Nullable List<Integer> exitCodes(Tree t, String path) {
    ListNode l = listNode(t, path);
    if (l == null) return null;
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < l.items().size(); i++) {
      Tree item = l.items().get(i);
      Long c = integer(item, path + "[" + i + "]");
      if (c != null && (c < 0 || c > 255)) problem(item, path + "[" + i + "]", "must be an exit code from 0 to 255, got " + c);
      else if (c != null) codes.add(c.intValue());
    }
    return codes;
  }

  private @Nullable PipelineSignature signature(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("key", "value"));
    String key = required(m, "key", path, this::string);
    String value = required(m, "value", path, this::string);
    return key == null || value == null ? null : attempt(m, path, () -> new PipelineSignature(key, value));
  }

  private @Nullable RetryPolicy retry(Tree t, String path) {
    if (t instanceof Scalar) {
      Long limit = integer(t, path);
      return limit == null ? null : attempt(t, path, () -> RetryPolicy.of(Math.toIntExact(limit)));
    }
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("limit", "on", "exitCodes", "backoff"));
    Long limit = required(m, "limit", path, this::integer);
    Set<RetryOn> on = EnumSet.noneOf(RetryOn.class);
    Entry onEntry = m.entries().get("on");
    if (onEntry != null) {
      List<String> ids = strings(onEntry.value(), path + ".on");
      if (ids != null) {
        for (String id : ids) {
          RetryOn r = attempt(onEntry.value(), path + ".on", () -> RetryOn.fromId(id));
          if (r != null) on.add(r);
        }
      }
    }
    Entry codes = m.entries().get("exitCodes");
    List<Integer> exitCodes = codes == null ? List.of() : Objects.requireNonNullElse(exitCodes(codes.value(), path + ".exitCodes"), List.of());
    Backoff backoff = Backoff.DEFAULT;
    Entry b = m.entries().get("backoff");
    if (b != null) {
      backoff = backoff(b.value(), path + ".backoff");
      if (backoff == null) return null;
    }
    if (limit == null) return null;
    Backoff finalBackoff = backoff;
    return attempt(m, path, () -> new RetryPolicy(Math.toIntExact(limit), on.isEmpty() ? RetryPolicy.ALL_FAILURES : on,
        exitCodes, finalBackoff));
  }

  private @Nullable Backoff backoff(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("initial", "factor", "max"));
    Duration initial = Optional.ofNullable(m.entries().get("initial")).map(e -> duration(e.value(), path + ".initial"))
        .orElse(Backoff.DEFAULT.initial());
    Double factor = Optional.ofNullable(m.entries().get("factor")).map(e -> number(e.value(), path + ".factor"))
        .orElse(Backoff.DEFAULT.factor());
    Duration max = Optional.ofNullable(m.entries().get("max")).map(e -> duration(e.value(), path + ".max"))
        .orElse(Backoff.DEFAULT.max());
    return attempt(m, path, () -> new Backoff(initial, factor, max));
  }

  private @Nullable Resources resources(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("cpu", "memory"));
    Optional<Long> cpu = Optional.empty();
    Optional<Long> memory = Optional.empty();
    Entry c = m.entries().get("cpu");
    if (c != null) {
      String text = stringish(c.value(), path + ".cpu");
      if (text != null) cpu = Optional.ofNullable(attempt(c.value(), path + ".cpu", () -> Resources.parseCpu(text)));
    }
    Entry mem = m.entries().get("memory");
    if (mem != null) {
      String text = stringish(mem.value(), path + ".memory");
      if (text != null) memory = Optional.ofNullable(attempt(mem.value(), path + ".memory", () -> Resources.parseMemory(text)));
    }
    Optional<Long> finalCpu = cpu;
    Optional<Long> finalMemory = memory;
    return attempt(m, path, () -> new Resources(finalCpu, finalMemory));
  }

  private @Nullable CacheSpec cache(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("key", "restoreKeys", "paths", "scope", "policy"));
    CacheSpec.Builder b = new CacheSpec.Builder();
    String key = required(m, "key", path, this::string);
    List<String> paths = required(m, "paths", path, this::strings);
    if (key == null || paths == null) return null;
    attempt(m, path + ".key", () -> b.key(key));
    attempt(m, path + ".paths", () -> b.path(paths.toArray(String[]::new)));
    opt(m, "restoreKeys", path + ".restoreKeys", (x, p) -> strings(x, p), r -> b.restoreKeys(r.toArray(String[]::new)));
    opt(m, "scope", path + ".scope", (x, p) -> choice(x, p, CacheScope::fromId), b::scope);
    opt(m, "policy", path + ".policy", (x, p) -> choice(x, p, CachePolicy::fromId), b::policy);
    return attempt(m, path, b::build);
  }

  private @Nullable ArtifactSpec artifacts(Tree t, String path) {
    if (t instanceof ListNode) {
      List<String> paths = strings(t, path);
      return paths == null ? null : attempt(t, path, () -> new ArtifactSpec(Optional.empty(), paths, Optional.empty()));
    }
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("name", "paths", "retention", "when"));
    ArtifactSpec.Builder b = new ArtifactSpec.Builder();
    List<String> paths = required(m, "paths", path, this::strings);
    if (paths == null) return null;
    attempt(m, path + ".paths", () -> b.path(paths.toArray(String[]::new)));
    opt(m, "name", path + ".name", (x, p) -> string(x, p), b::name);
    opt(m, "retention", path + ".retention", (x, p) -> duration(x, p), b::retention);
    opt(m, "when", path + ".when", (x, p) -> choice(x, p, ArtifactWhen::fromId), b::when);
    return attempt(m, path, b::build);
  }

  private @Nullable Environment environment(Tree t, String path) {
    if (t instanceof Scalar) {
      String name = string(t, path);
      return name == null ? null : attempt(t, path, () -> Environment.named(name));
    }
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("name", "url", "variables", "protection"));
    String name = required(m, "name", path, this::string);
    if (name == null) return null;
    Environment.Builder b = attempt(m, path + ".name", () -> new Environment.Builder(name));
    if (b == null) return null;
    opt(m, "url", path + ".url", (x, p) -> string(x, p), b::url);
    opt(m, "variables", path + ".variables", (x, p) -> stringMap(x, p), v -> v.forEach(b::variable));
    Entry protection = m.entries().get("protection");
    if (protection != null) {
      MapNode pm = map(protection.value(), path + ".protection");
      if (pm != null) {
        keys(pm, path + ".protection", Set.of("branches", "approvers"));
        List<String> branches = stringsOr(pm, "branches", path + ".protection");
        List<String> approvers = stringsOr(pm, "approvers", path + ".protection");
        attempt(pm, path + ".protection", () -> b.protectBranches(branches.toArray(String[]::new))
            .requireApprovalFrom(approvers.toArray(String[]::new)));
      }
    }
    return attempt(m, path, b::build);
  }

  private @Nullable Approval approval(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    keys(m, path, Set.of("approvers", "required", "timeout"));
    List<String> approvers = stringsOr(m, "approvers", path);
    int required = Optional.ofNullable(m.entries().get("required")).map(e -> integer(e.value(), path + ".required"))
        .map(Long::intValue).orElse(1);
    Optional<Duration> timeout = Optional.ofNullable(m.entries().get("timeout")).map(e -> duration(e.value(), path + ".timeout"));
    return attempt(m, path, () -> new Approval(approvers, required, timeout));
  }

  // ---- value helpers -------------------------------------------------------------------------

  @FunctionalInterface
  private interface Reader<T> {
    @Nullable T read(Tree t, String path);
  }

  /** Reads an optional key and hands the value to {@code sink}; a problem in the sink is recorded at the value. */
  private <T> void opt(MapNode m, String key, String path, Reader<T> reader, Consumer<T> sink) {
    Entry e = m.entries().get(key);
    if (e == null) return;
    T v = reader.read(e.value(), path);
    if (v != null) {
      attempt(e.value(), path, () -> {
        sink.accept(v);
        return Boolean.TRUE;
      });
    }
  }

  private <T> void list(MapNode m, String key, Reader<T> reader, Consumer<T> sink) {
    Entry e = m.entries().get(key);
    if (e == null) return;
    ListNode l = listNode(e.value(), key);
    if (l == null) return;
    for (int i = 0; i < l.items().size(); i++) {
      Tree item = l.items().get(i);
      T v = reader.read(item, key + "[" + i + "]");
      if (v != null) {
        attempt(item, key + "[" + i + "]", () -> {
          sink.accept(v);
          return Boolean.TRUE;
        });
      }
    }
  }

  private <T> @Nullable T required(MapNode m, String key, String path, Reader<T> reader) {
    Entry e = m.entries().get(key);
    if (e == null) {
      problems.add(new FormatProblem(join(path, key), m.line(), m.column(), "'" + key + "' is required here"));
      return null;
    }
    return reader.read(e.value(), join(path, key));
  }

  private interface Attempt<T> {
    T get();
  }

  /** Runs a model constructor or builder call, turning its IllegalArgumentException into a located problem. */
  private <T> @Nullable T attempt(Tree at, String path, Attempt<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException | ArithmeticException e) {
      problem(at, path, e.getMessage());
      return null;
    }
  }

  /** What other systems call a job's commands (GitLab's script, a stage-level run): the stage's steps here. */
  private static final Set<String> COMMAND_KEYS = Set.of("run", "script", "command", "commands", "sh");

  private void keys(MapNode m, String path, Set<String> allowed) {
    for (Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        problems.add(new FormatProblem(join(path, e.key()), e.line(), e.column(), "unknown key '" + e.key() + "'"
            + (allowed.contains("steps") && COMMAND_KEYS.contains(e.key())
                ? "; a stage's commands go in its steps, e.g. steps: [{ run: make test }] (a CI file of another system: "
                    + "import it with --from)"
                : Suggestions.didYouMean(e.key(), allowed))
            + (allowed.isEmpty() ? "; nothing goes here" : "; the keys here are " + String.join(", ", allowed.stream().sorted().toList()))));
      }
    }
  }

  private @Nullable MapNode map(Tree t, String path) {
    if (t instanceof MapNode m) return m;
    problem(t, path, "must be a map (key: value), got " + Tree.kind(t));
    return null;
  }

  private @Nullable ListNode listNode(Tree t, String path) {
    if (t instanceof ListNode l) return l;
    problem(t, path, "must be a list, got " + Tree.kind(t));
    return null;
  }

  private @Nullable String string(Tree t, String path) {
    if (t instanceof Scalar s && s.value() instanceof String str) return str;
    problem(t, path, "must be text, got " + Tree.kind(t) + (t instanceof Scalar s && s.value() != null ? "; quote it: \"" + s.value() + "\"" : ""));
    return null;
  }

  /** Text, or a number or boolean taken as its text (environment values, axis values). */
  private @Nullable String stringish(Tree t, String path) {
    if (t instanceof Scalar s && s.value() != null) {
      Object v = s.value();
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return v.toString();
      return v.toString();
    }
    problem(t, path, "must be a plain value, got " + Tree.kind(t));
    return null;
  }

  private @Nullable Long integer(Tree t, String path) {
    if (t instanceof Scalar s && s.value() instanceof Long l) return l;
    problem(t, path, "must be a whole number, got " + Tree.kind(t));
    return null;
  }

  private @Nullable Double number(Tree t, String path) {
    if (t instanceof Scalar s && s.value() instanceof Number n) return n.doubleValue();
    problem(t, path, "must be a number, got " + Tree.kind(t));
    return null;
  }

  private @Nullable Boolean bool(Tree t, String path) {
    if (t instanceof Scalar s && s.value() instanceof Boolean b) return b;
    problem(t, path, "must be true or false, got " + Tree.kind(t));
    return null;
  }

  private @Nullable Duration duration(Tree t, String path) {
    if (t instanceof Scalar s && s.value() instanceof Long seconds) {
      return Duration.ofSeconds(seconds);
    }
    String text = string(t, path);
    return text == null ? null : attempt(t, path, () -> Durations.parse(text));
  }

  private <T> @Nullable T choice(Tree t, String path, Function<String, T> parse) {
    String text = string(t, path);
    return text == null ? null : attempt(t, path, () -> parse.apply(text));
  }

  /** A list of texts; a single scalar counts as a list of one. */
  private @Nullable List<String> strings(Tree t, String path) {
    if (t instanceof Scalar) {
      String one = stringish(t, path);
      return one == null ? null : List.of(one);
    }
    ListNode l = listNode(t, path);
    if (l == null) return null;
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < l.items().size(); i++) {
      String s = stringish(l.items().get(i), path + "[" + i + "]");
      if (s == null) ok = false;
      else out.add(s);
    }
    return ok ? out : null;
  }

  private List<String> stringsOr(MapNode m, String key, String path) {
    Entry e = m.entries().get(key);
    if (e == null) return List.of();
    List<String> v = strings(e.value(), join(path, key));
    return v == null ? List.of() : v;
  }

  private @Nullable Map<String, String> stringMap(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    Map<String, String> out = new LinkedHashMap<>();
    m.entries().forEach((k, e) -> {
      String v = stringish(e.value(), join(path, k));
      if (v != null) out.put(k, v);
    });
    return out;
  }

  /** Any value without nulls: text, numbers, booleans, lists and maps of them (stage inputs). */
  private @Nullable Object plain(Tree t, String path) {
    if (t instanceof Scalar s) {
      if (s.value() == null) {
        problem(t, path, "has no value; remove the key or give it a value");
      }
      return s.value();
    }
    if (t instanceof ListNode l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.items().size(); i++) {
        Object v = plain(l.items().get(i), path + "[" + i + "]");
        if (v == null) return null;
        out.add(v);
      }
      return out;
    }
    return plainMap(t, path);
  }

  private @Nullable Map<String, Object> plainMap(Tree t, String path) {
    MapNode m = map(t, path);
    if (m == null) return null;
    Map<String, Object> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Entry e : m.entries().values()) {
      Object v = plain(e.value(), join(path, e.key()));
      if (v == null) ok = false;
      else out.put(e.key(), v);
    }
    return ok ? out : null;
  }

  private void problem(Tree at, String path, @Nullable String message) {
    problems.add(new FormatProblem(path, at.line(), at.column(), message == null ? "invalid value" : message));
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
