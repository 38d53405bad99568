package org.pipelinekit.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipelinekit.imports.YamlTree.Value;

/** GitLab CI files: stages, jobs (extends, !reference, anchors), needs, rules, caches, artifacts, matrices; see {@link CiImport}. */
final class GitLabImporter extends Importer {
  private static final Set<String> KEYWORDS = Set.of("stages", "variables", "default", "include", "workflow", "image", "services",
      "before_script", "after_script", "cache", "spec");
  /** Keys that make a hidden mapping a job template rather than a fragment for anchors and !reference. */
  private static final Set<String> JOB_KEYS = Set.of("script", "before_script", "after_script", "stage", "extends", "image", "services",
      "needs", "rules", "only", "except", "when", "cache", "artifacts", "variables", "tags", "retry", "timeout", "parallel",
      "allow_failure", "environment", "trigger", "interruptible", "dependencies");
  private final Map<String, Value> top = new LinkedHashMap<>();
  /** The names of the file's (non-hidden) jobs, known before any job is read. */
  private final Set<String> jobs = new LinkedHashSet<>();
  private Value defaults;
  /** Variables every job sees (global variables:), and those of them that are parameters, for rules: conditions. */
  private final Set<String> globalVariables = new LinkedHashSet<>();
  private final Set<String> parameters = new LinkedHashSet<>();

  private GitLabImporter(String source) {
    super("gitlab", source);
  }

  static ImportResult read(String text, String source, Optional<Path> dir) {
    List<String> notes = new ArrayList<>();
    List<Value> docs = YamlTree.read(text, source, notes);
    if (docs.isEmpty()) throw new ImportException(source, 1, 1, "the file is empty: a GitLab CI file is a mapping of jobs and keywords");
    GitLabImporter i = new GitLabImporter(source);
    notes.forEach(n -> i.report.add("(yaml)", 0, 0, ImportReport.Outcome.APPROXIMATED, n));
    Value root = docs.get(docs.size() - 1);
    if (docs.size() > 1 && docs.get(0).get("spec").isPresent()) {
      i.approx("spec", docs.get(0).get("spec").get(), "the header's inputs are not interpolated ($[[ inputs.x ]] stays as written)");
    }
    if (!root.isMap()) throw new ImportException(source, root.line(), root.column(), "a GitLab CI file is a mapping of jobs and keywords");
    i.top.putAll(root.map());
    i.includes(root, dir);
    i.pipeline(root);
    return i.finish(root, "GitLab CI");
  }

  /** The local files of an include: list (texts, or maps with local/file). */
  private static List<String> texts(Value v) {
    List<String> out = new ArrayList<>();
    for (Value x : v.isList() ? v.list() : List.of(v)) {
      if (x.isText()) out.add(x.text());
      else x.get("local").or(() -> x.get("file")).map(Value::text).ifPresent(out::add);
    }
    return out;
  }

  private void includes(Value root, Optional<Path> dir) {
    Value inc = root.map().get("include");
    if (inc == null) return;
    List<Value> items = inc.isList() ? inc.list() : List.of(inc);
    for (int n = 0; n < items.size(); n++) {
      Value item = items.get(n);
      String p = inc.isList() ? path("include", n) : "include";
      Optional<String> local = item.isText() && !item.text().contains("://") ? Optional.of(item.text()) : item.get("local").map(Value::text);
      if (local.isPresent() && dir.isPresent()) {
        Path f = dir.get().resolve(local.get().replaceFirst("^/", ""));
        if (Files.isRegularFile(f)) {
          try {
            List<Value> docs = YamlTree.read(org.pipelinekit.core.files.TextFiles.readUtf8(f), f.toString(), new ArrayList<>());
            // GitLab deep-merges an included file under this one: a job or variables: defined in both keep the included
            // keys this file does not set
            if (!docs.isEmpty()) docs.get(docs.size() - 1).map().forEach((k, included) -> {
              Value own = top.get(k);
              if (own == null) top.put(k, included);
              else if (own.isMap() && included.isMap()) top.put(k, new Value(deepMerge(included.map(), own.map()), own.line(), own.column(), own.tag()));
            });
            mapped(p, item, "jobs and keywords of " + local.get() + " deep-merged under this file's (this file's keys win)");
            continue;
          } catch (java.io.IOException | ImportException e) {
            unsupported(p, item, "could not read " + f + ": " + e.getMessage());
            continue;
          }
        }
        unsupported(p, item, "the local file " + local.get() + " is not beside this file");
      } else {
        unsupported(p, item, "remote, project and template includes are not fetched");
      }
    }
  }

  // ---- extends and !reference ----

  private Value resolved(String name, Set<String> seen) {
    Value job = top.get(name);
    if (job == null || !job.isMap()) return job;
    Value ext = job.map().get("extends");
    if (ext == null) return job;
    if (!seen.add(name)) return job;
    Map<String, Value> merged = new LinkedHashMap<>();
    for (String parent : ext.texts()) {
      Value base = resolved(parent, seen);
      if (base != null) merged = deepMerge(merged, base.map());
    }
    Map<String, Value> own = new LinkedHashMap<>(job.map());
    Map<String, Value> result = deepMerge(merged, own);
    return new Value(result, job.line(), job.column(), job.tag());
  }

  private static Map<String, Value> deepMerge(Map<String, Value> base, Map<String, Value> over) {
    Map<String, Value> out = new LinkedHashMap<>(base);
    for (Map.Entry<String, Value> e : over.entrySet()) {
      Value b = out.get(e.getKey());
      Value o = e.getValue();
      if (b != null && b.isMap() && o.isMap()) out.put(e.getKey(), new Value(deepMerge(b.map(), o.map()), o.line(), o.column(), o.tag()));
      else out.put(e.getKey(), o);
    }
    return out;
  }

  /** Resolves {@code !reference [job, key, ...]} values anywhere under {@code v}. */
  private Value references(Value v, int depth) {
    if (depth > 20) return v;
    if ("!reference".equals(v.tag()) && v.isList()) {
      List<String> path = v.texts();
      if (path.isEmpty()) return new Value(null, v.line(), v.column(), null);
      Value cur = resolved(path.get(0), new LinkedHashSet<>());
      for (String k : path.subList(1, path.size())) cur = cur == null ? null : cur.map().get(k);
      return cur == null ? new Value(null, v.line(), v.column(), null) : references(cur, depth + 1);
    }
    if (v.isList()) {
      List<Value> out = new ArrayList<>();
      for (Value x : v.list()) out.add(references(x, depth + 1));
      return new Value(out, v.line(), v.column(), v.tag());
    }
    if (v.isMap()) {
      Map<String, Value> out = new LinkedHashMap<>();
      v.map().forEach((k, x) -> out.put(k, references(x, depth + 1)));
      return new Value(out, v.line(), v.column(), v.tag());
    }
    return v;
  }

  // ---- the pipeline ----

  private void pipeline(Value root) {
    List<String> stageOrder = new ArrayList<>(List.of(".pre", "build", "test", "deploy", ".post"));
    Value stagesValue = top.get("stages");
    if (stagesValue != null) {
      List<String> declared = stagesValue.texts();
      stageOrder = new ArrayList<>();
      stageOrder.add(".pre");
      stageOrder.addAll(declared);
      stageOrder.add(".post");
      if (root.map().containsKey("stages")) mapped("stages", stagesValue, "as the order of stages: a job without needs: waits for every job of"
          + " the earlier stages; a job that rules or when: leave out holds no one back");
    }
    Value vars = top.get("variables");
    if (vars != null) doc.set("env", variables("variables", vars)); // the file's, or an included file's
    defaults = top.get("default");
    Map<String, Value> globals = new LinkedHashMap<>();
    for (String k : List.of("image", "services", "before_script", "after_script", "cache")) {
      if (top.containsKey(k)) {
        globals.put(k, top.get(k));
        if (root.map().containsKey(k)) mapped(k, top.get(k), "a global default for every job");
      }
    }
    if (defaults != null) {
      globals = deepMerge(globals, defaults.map());
      if (root.map().containsKey("default")) mapped("default", defaults, "defaults for every job");
    }
    defaults = new Value(globals, 0, 0, null);

    for (Map.Entry<String, Value> e : top.entrySet()) {
      if (!KEYWORDS.contains(e.getKey()) && !e.getKey().startsWith(".") && e.getValue().isMap()) jobs.add(e.getKey());
    }
    Map<String, List<String>> byStage = new LinkedHashMap<>();
    Map<String, Value> jobs = new LinkedHashMap<>();
    for (Map.Entry<String, Value> e : top.entrySet()) {
      String name = e.getKey();
      if (KEYWORDS.contains(name)) continue;
      if (name.startsWith(".")) {
        // a template for extends and !reference: its keys are reported as a job's would be, on a stage that is not kept
        boolean jobLike = e.getValue().map().keySet().stream().anyMatch(JOB_KEYS::contains);
        if (root.map().containsKey(name) && jobLike) {
          job(path("", name), name, e.getValue(), List.of(), null, true, JSON.createObjectNode());
        } else if (root.map().containsKey(name)) {
          mapped(path("", name), e.getValue(), "a hidden value, for anchors and !reference");
        }
        continue;
      }
      if (!e.getValue().isMap()) continue;
      Value job = references(resolved(name, new LinkedHashSet<>()), 0);
      jobs.put(name, job);
      stageId(name);
      String stage = job.get("stage").map(Value::text).orElse("test");
      byStage.computeIfAbsent(stage, s -> new ArrayList<>()).add(name);
    }
    List<String> order = stageOrder;
    // a job without needs: waits for every job of every earlier stage (GitLab's stage order), written as the fewest needs
    // that say so (a job another of them already waits for is left out)
    Map<String, List<String>> needsOf = new LinkedHashMap<>();
    for (Map.Entry<String, Value> j : jobs.entrySet()) {
      Optional<Value> explicit = j.getValue().get("needs").filter(Value::isList);
      if (explicit.isPresent()) {
        List<String> names = new ArrayList<>();
        for (Value n : explicit.get().list()) {
          String need = n.isText() ? n.text() : n.get("job").map(Value::text).orElse(null);
          if (need != null && jobs.containsKey(need)) names.add(need);
        }
        needsOf.put(j.getKey(), names);
      } else {
        int idx = order.indexOf(j.getValue().get("stage").map(Value::text).orElse("test"));
        List<String> earlier = new ArrayList<>();
        for (int k = 0; k < idx; k++) earlier.addAll(byStage.getOrDefault(order.get(k), List.of()));
        needsOf.put(j.getKey(), earlier);
      }
    }
    for (Map.Entry<String, Value> j : jobs.entrySet()) {
      String name = j.getKey();
      String stage = j.getValue().get("stage").map(Value::text).orElse("test");
      int idx = order.indexOf(stage);
      List<String> all = j.getValue().get("needs").filter(Value::isList).isPresent() ? List.of() : needsOf.get(name);
      List<String> previous = all.stream().filter(p -> all.stream().noneMatch(q -> !q.equals(p) && ancestors(q, needsOf).contains(p))).toList();
      String at = root.map().containsKey(name) ? path("", name) : "(included) " + name;
      ObjectNode target = stages.addObject();
      target.put("id", stageId(name));
      if (!stageId(name).equals(name)) target.put("name", name);
      job(at, name, j.getValue(), idx < 0 ? List.of() : previous, idx < 0 ? stage : null, root.map().containsKey(name), target);
    }
    predefinedAndExpanded();
    dotenvReachesLaterJobs();
    skippedNeedsDoNotHoldBack();
    if (root.map().containsKey("workflow") && root.map().get("workflow").isMap()) workflow(root.map().get("workflow"));
    else if (root.map().containsKey("workflow")) unsupported("workflow", root.map().get("workflow"), "workflow must be a mapping");
  }

  /** GitLab's predefined variables of a pipeline, as the run knows them (a file's own variable of the same name wins). */
  private static final Map<String, String> PREDEFINED = Map.ofEntries(Map.entry("CI", "true"), Map.entry("GITLAB_CI", "true"),
      Map.entry("CI_COMMIT_BRANCH", "${{ branch }}"), Map.entry("CI_COMMIT_REF_NAME", "${{ branch }}"),
      Map.entry("CI_COMMIT_SHA", "${{ commit }}"), Map.entry("CI_COMMIT_TAG", "${{ tag }}"), Map.entry("CI_PROJECT_DIR", "${{ workspace }}"),
      Map.entry("CI_PIPELINE_ID", "${{ execution.number }}"), Map.entry("CI_PIPELINE_IID", "${{ execution.number }}"));
  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * The predefined variables in the pipeline's env, and every variable's references to the others expanded as GitLab
   * does ({@code ${GLOBAL}-composed}; a job's variables see the global ones; {@code $$} is a literal {@code $}); a
   * reference to a variable the file does not define (the project's, the runner's) stays as written.
   */
  private void predefinedAndExpanded() {
    ObjectNode global = doc.has("env") ? (ObjectNode) doc.get("env") : JSON.createObjectNode();
    ObjectNode env = JSON.createObjectNode();
    new java.util.TreeMap<>(PREDEFINED).forEach((k, v) -> { if (!global.has(k)) env.put(k, v); });
    Map<String, String> known = new LinkedHashMap<>();
    env.fieldNames().forEachRemaining(k -> known.put(k, env.get(k).asText()));
    global.fieldNames().forEachRemaining(k -> known.put(k, global.get(k).asText()));
    global.fieldNames().forEachRemaining(k -> { // a variable that names itself means the value from outside the file
      Map<String, String> others = new LinkedHashMap<>(known);
      others.remove(k);
      env.put(k, expand(global.get(k).asText(), others, 0));
    });
    doc.set("env", env);
    for (var node : stages) {
      ObjectNode st = (ObjectNode) node;
      if (!st.has("env")) continue;
      ObjectNode own = (ObjectNode) st.get("env");
      Map<String, String> seen = new LinkedHashMap<>(known);
      own.fieldNames().forEachRemaining(k -> seen.put(k, own.get(k).asText()));
      List<String> names = new ArrayList<>();
      own.fieldNames().forEachRemaining(names::add);
      for (String k : names) { // a job's variable that names itself means the global one
        Map<String, String> others = new LinkedHashMap<>(seen);
        if (known.containsKey(k) && !k.startsWith("CI_")) others.put(k, known.get(k));
        else others.remove(k);
        own.put(k, expand(own.get(k).asText(), others, 0));
      }
    }
  }

  private static String expand(String value, Map<String, String> known, int depth) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String to;
      if (name == null) to = "$"; // $$
      else if (known.containsKey(name) && depth < 10) to = expand(known.get(name), known, depth + 1);
      else to = m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(to));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Every job {@code job} waits for, directly or through others. */
  private static Set<String> ancestors(String job, Map<String, List<String>> needsOf) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(needsOf.getOrDefault(job, List.of()));
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      if (seen.add(n)) todo.addAll(needsOf.getOrDefault(n, List.of()));
    }
    return seen;
  }

  /**
   * A job that rules, only/except or when: leave out of a run is absent in GitLab, and absent jobs hold no one back; here
   * it ends SKIPPED, which alone would skip every job after it. So a job with such a job before it runs unless a job before
   * it failed — {@code !failure() && !cancelled()} in front of its own condition (one that already asks for a status, like
   * when: on_failure's {@code failure()}, is kept as it is).
   */
  private void skippedNeedsDoNotHoldBack() {
    Map<String, ObjectNode> byId = new LinkedHashMap<>();
    Map<String, List<String>> needs = new LinkedHashMap<>();
    for (var node : stages) {
      ObjectNode st = (ObjectNode) node;
      byId.put(st.path("id").asText(), st);
      List<String> n = new ArrayList<>();
      st.path("needs").forEach(x -> n.add(x.asText()));
      needs.put(st.path("id").asText(), n);
    }
    Set<String> mayBeLeftOut = new LinkedHashSet<>();
    byId.forEach((id, st) -> { if (st.has("when") || st.has("approval")) mayBeLeftOut.add(id); });
    for (Map.Entry<String, ObjectNode> e : byId.entrySet()) {
      if (ancestors(e.getKey(), needs).stream().noneMatch(mayBeLeftOut::contains)) continue;
      ObjectNode st = e.getValue();
      String own = st.path("when").asText("");
      if (own.contains("failure()") || own.contains("always()") || own.contains("success()") || own.contains("cancelled()")) continue;
      st.put("when", "!failure() && !cancelled()" + (own.isEmpty() ? "" : " && (" + own + ")"));
    }
  }

  /**
   * The global variables as the pipeline's env. One with a description is a prefilled variable of GitLab's Run pipeline
   * form: it becomes a parameter (a choice when it has options) and the env reads it.
   */
  private ObjectNode variables(String at, Value v) {
    ObjectNode env = JSON.createObjectNode();
    for (Map.Entry<String, Value> e : v.map().entrySet()) {
      String name = e.getKey();
      Value x = e.getValue();
      String p = path(at, name);
      globalVariables.add(name);
      if (x.isMap() && x.get("description").isPresent() && org.pipelinekit.core.model.Parameter.isValidName(name)) {
        ObjectNode param = JSON.createObjectNode().put("name", name);
        List<String> options = x.get("options").map(Value::texts).orElse(List.of());
        param.put("type", options.isEmpty() ? "string" : "choice");
        if (!options.isEmpty()) options.forEach(param.withArray("options")::add);
        x.get("description").map(Value::text).ifPresent(d -> param.put("description", d));
        param.put("default", x.get("value").map(Value::text).orElse(""));
        (doc.has("parameters") ? (ArrayNode) doc.get("parameters") : doc.putArray("parameters")).add(param);
        parameters.add(name);
        env.put(name, "${{ params." + name + " }}");
        mapped(p, x, "a prefilled variable of the run form: the parameter " + name + (options.isEmpty() ? "" : " (a choice)"));
      } else if (x.isMap()) {
        x.get("value").map(Value::text).ifPresent(val -> env.put(name, val));
        if (x.map().keySet().stream().allMatch(k -> k.equals("value"))) mapped(p, x);
        else approx(p, x, "its value is kept; " + new java.util.TreeSet<>(x.map().keySet()).stream().filter(k -> !k.equals("value")).toList()
            + " are not");
      } else {
        env.put(name, x.isNull() ? "" : String.valueOf(x.value()));
        mapped(p, x);
      }
    }
    if (!v.isMap()) unsupported(at, v, "variables must be a mapping");
    return env;
  }

  private void job(String at, String name, Value job, List<String> previousStage, String unknownStage, boolean ownKeys, ObjectNode stage) {
    Map<String, Value> effective = deepMerge(defaults.map(), job.map());
    Value ownCache = job.map().get("cache");
    if (ownCache != null && ((ownCache.isMap() && ownCache.map().isEmpty()) || (ownCache.isList() && ownCache.list().isEmpty()))) {
      effective.remove("cache"); // cache: {} or [] turns the default cache off for this job
      if (ownKeys) mapped(path(at, "cache"), ownCache, "no cache for this job (the default one is turned off)");
    }
    Set<String> jobVariables = Optional.ofNullable(effective.get("variables")).filter(Value::isMap).map(x -> x.map().keySet())
        .orElse(Set.of());
    if (unknownStage != null) report.add(path(at, "stage"), job.line(), job.column(), ImportReport.Outcome.APPROXIMATED,
        "stage '" + unknownStage + "' is not in stages:; the job runs without waiting for a stage");
    boolean hasNeeds = false;
    List<String> before = new ArrayList<>();
    List<String> script = new ArrayList<>();
    List<String> after = new ArrayList<>();
    for (Map.Entry<String, Value> e : effective.entrySet()) {
      String key = e.getKey();
      Value v = e.getValue();
      String p = path(at, key);
      boolean own = ownKeys && job.map().containsKey(key);
      switch (key) {
        case "stage" -> { if (own) mapped(p, v, "as needs on the jobs of the earlier stages"); }
        case "extends" -> { if (own) mapped(p, v, "resolved: the job is merged over what it extends"); }
        case "script" -> { script.addAll(Shared.lines(v)); if (own) mapped(p, v, "one step run with sh -e"); }
        case "before_script" -> { before.addAll(Shared.lines(v)); if (own) mapped(p, v, "run before the script in the same step"); }
        case "after_script" -> {
          after.addAll(Shared.lines(v));
          if (own) mapped(p, v, "a last step with when: always() and continueOnError, so it runs after a failing or cancelled script and its failure does not fail the job");
        }
        case "image" -> {
          Optional<String> image = v.isText() ? Optional.of(v.text()) : v.get("name").map(Value::text);
          image.ifPresent(img -> stage.put("image", img));
          if (own) {
            if (v.isMap() && v.map().size() > 1) approx(p, v, "the image name is used, not its other settings");
            else mapped(p, v);
          }
        }
        case "services" -> { if (own) unsupported(p, v, "service containers are started only by integration-tests stages"); }
        case "variables" -> {
          ObjectNode env = JSON.createObjectNode();
          v.map().forEach((k, x) -> env.put(k, x.isMap() ? x.get("value").map(Value::text).orElse("") : x.isNull() ? "" : String.valueOf(x.value())));
          stage.set("env", env);
          if (own) mapped(p, v);
        }
        case "needs" -> {
          hasNeeds = true;
          ArrayNode needs = stage.putArray("needs");
          List<String> missing = new ArrayList<>();
          for (Value n : v.list()) {
            String need = n.isText() ? n.text() : n.get("job").map(Value::text).orElse(null);
            if (need != null && jobs.contains(need)) needs.add(stageId(need));
            else if (need != null) missing.add(need);
          }
          if (own) {
            boolean pipelineNeeds = v.list().stream().anyMatch(n -> n.get("pipeline").isPresent() || n.get("project").isPresent());
            if (pipelineNeeds) approx(p, v, "needs on other pipelines or projects are dropped");
            else if (!missing.isEmpty()) approx(p, v, "needs on jobs not in this file are dropped: " + missing);
            else mapped(p, v);
          }
        }
        case "dependencies" -> { if (own) mapped(p, v, "a stage finds the artifacts of the stages it needs"); }
        case "rules" -> rules(p, v, stage, own, jobVariables);
        case "only", "except" -> onlyExcept(p, key, v, stage, own);
        case "when" -> when(p, v, stage, own, name, effective.get("allow_failure"));
        case "allow_failure" -> {
          if ("true".equals(v.text())) stage.put("continueOnError", true);
          List<String> codes = v.isMap() ? v.get("exit_codes").map(c -> c.isList() ? c.texts() : List.of(c.text())).orElse(List.of()) : List.of();
          List<String> invalid = codes.stream().filter(c -> !c.matches("\\d{1,3}") || Integer.parseInt(c) > 255).toList();
          if (v.isMap() && !codes.isEmpty() && invalid.size() < codes.size()) { // only these exit codes are allowed to fail
            ArrayNode allowed = stage.putObject("continueOnError").putArray("exitCodes");
            codes.stream().filter(c -> !invalid.contains(c)).forEach(c -> allowed.add(Integer.parseInt(c)));
          }
          if (own) {
            if (v.isMap() && codes.isEmpty()) unsupported(p, v, "allow_failure needs true, false or exit_codes");
            else if (!invalid.isEmpty()) approx(p, v, "exit codes outside 0-255 are left out: " + invalid);
            else if (v.isMap()) mapped(p, v, "a failure with exit code " + String.join(" or ", codes) + " is soft; any other fails the pipeline");
            else mapped(p, v);
          }
        }
        case "retry" -> {
          Integer max = Shared.count(v.isText() ? v.text() : v.get("max").map(Value::text).orElse(null), true);
          List<String> unknown = new ArrayList<>();
          if (max != null) {
            ObjectNode retry = stage.putObject("retry").put("limit", max);
            // retry: when: GitLab's failure reasons as the engine's: a script's exit code, a timeout, the runner itself
            List<String> whens = v.isMap() ? v.get("when").map(w -> w.isList() ? w.texts() : List.of(w.text())).orElse(List.of()) : List.of();
            Set<String> on = new java.util.TreeSet<>();
            for (String w : whens) {
              switch (w) {
                case "always" -> on.addAll(List.of("exit-code", "timeout", "runner-error"));
                case "script_failure" -> on.add("exit-code");
                case "stuck_or_timeout_failure", "job_execution_timeout" -> on.add("timeout");
                case "unknown_failure", "runner_system_failure", "runner_unsupported", "api_failure", "scheduler_failure",
                    "data_integrity_failure", "stale_schedule", "archived_failure", "unmet_prerequisites" -> on.add("runner-error");
                default -> unknown.add(w);
              }
            }
            if (!on.isEmpty()) on.forEach(retry.putArray("on")::add);
            List<String> codes = v.isMap() ? v.get("exit_codes").map(c -> c.isList() ? c.texts() : List.of(c.text())).orElse(List.of()) : List.of();
            if (!codes.isEmpty()) {
              codes.forEach(c -> { if (c.matches("\\d{1,3}")) retry.withArray("exitCodes").add(Integer.parseInt(c)); }); // 0-255
              if (!retry.has("on")) retry.putArray("on").add("exit-code");
            }
          }
          if (own) {
            if (max == null) unsupported(p, v, "retry needs a number from 0 to " + Shared.MAX_COUNT);
            else if (!unknown.isEmpty()) approx(p, v, "retried on the failures it names; " + unknown + " have no counterpart");
            else mapped(p, v, "failure reasons as the engine's: script_failure → exit-code, timeouts → timeout, the runner's → runner-error");
          }
        }
        case "timeout" -> {
          String d = Shared.duration(v.text());
          if (d != null) stage.put("timeout", d);
          if (own) {
            if (d != null) mapped(p, v);
            else unsupported(p, v, "not a duration");
          }
        }
        case "cache" -> cache(p, v, stage, own);
        case "artifacts" -> artifacts(p, v, stage, own);
        case "parallel" -> parallel(p, v, stage, own);
        case "environment" -> {
          Optional<String> env = v.isText() ? Optional.of(v.text()) : v.get("name").map(Value::text);
          Optional<String> url = v.get("url").map(Value::text);
          if (env.isPresent() && url.isPresent()) stage.putObject("environment").put("name", env.get()).put("url", url.get());
          else env.ifPresent(n -> stage.put("environment", n));
          if (own) {
            if (v.isMap() && (v.get("action").isPresent() || v.get("on_stop").isPresent())) approx(p, v, "name and url kept; action/on_stop are not");
            else mapped(p, v);
          }
        }
        case "trigger" -> {
          Optional<String> project = v.isText() ? Optional.of(v.text()) : v.get("project").map(Value::text);
          String what = project.map(x -> "the downstream project " + x)
              .or(() -> v.get("include").map(x -> "the child pipeline " + (x.isText() ? x.text() : String.join(", ", texts(x)))))
              .orElse("a downstream pipeline");
          stage.putArray("steps").addObject().put("name", "trigger")
              .put("run", "echo 'pipelinekit: " + what.replace("'", "") + " is not started locally' >&2");
          if (own) approx(p, v, what + " is not started: import it as its own pipeline");
        }
        case "tags" -> { if (own) approx(p, v, "runner tags are not used: jobs run on this machine or in their image"); }
        case "interruptible" -> { if (own) approx(p, v, "every stage can be cancelled"); }
        case "resource_group" -> { if (own) unsupported(p, v, "resource groups have no per-stage counterpart (concurrency is per pipeline)"); }
        case "coverage" -> { if (own) unsupported(p, v, "coverage regexes are not read; use unit-tests stages with coverage files"); }
        case "inherit", "hooks", "id_tokens", "secrets", "release", "pages", "identity", "manual_confirmation" -> {
          if (own) unsupported(p, v, "'" + key + "' has no counterpart");
        }
        default -> { }
      }
    }
    if (stage.has("matrix")) { // GitLab gives matrix values to the script as variables
      ObjectNode env = stage.has("env") ? (ObjectNode) stage.get("env") : stage.putObject("env");
      Set<String> axes = new LinkedHashSet<>();
      stage.get("matrix").path("axes").fieldNames().forEachRemaining(axes::add);
      stage.get("matrix").path("include").forEach(inc -> inc.fieldNames().forEachRemaining(axes::add));
      for (String axis : axes) env.put(axis, "${{ matrix." + axis + " }}"); // matrix values win over the job's variables
      if (axes.contains("CI_NODE_INDEX")) {
        int total = stage.get("matrix").path("include").size() + stage.get("matrix").path("axes").path("CI_NODE_INDEX").size();
        env.put("CI_NODE_TOTAL", String.valueOf(total));
      }
    }
    // GitLab's predefined variables of the job
    ObjectNode jobEnv = stage.has("env") ? (ObjectNode) stage.get("env") : JSON.createObjectNode();
    ObjectNode predefined = JSON.createObjectNode().put("CI_JOB_NAME", name)
        .put("CI_JOB_STAGE", Optional.ofNullable(effective.get("stage")).map(Value::text).orElse("test"));
    jobEnv.fieldNames().forEachRemaining(k -> predefined.set(k, jobEnv.get(k)));
    stage.set("env", predefined);
    if (!hasNeeds && !previousStage.isEmpty()) {
      ArrayNode needs = stage.putArray("needs");
      for (String prev : previousStage) needs.add(stageId(prev));
    }
    if (!stage.has("steps")) {
      ArrayNode steps = stage.putArray("steps");
      before.addAll(script);
      String run = before.isEmpty() ? "true" : Shared.script(before);
      if (!after.isEmpty()) {
        // after_script reads how the script ended as $CI_JOB_STATUS: the script leaves it in a file as it exits
        run = "_pk_status=\"$PWD/.pk-ci-job-status\"\ntrap 'if [ $? -eq 0 ]; then echo success; else echo failed; fi > \"$_pk_status\"' EXIT\n" + run;
        steps.addObject().put("name", "script").put("run", run);
        steps.addObject().put("name", "after_script")
            .put("run", "export CI_JOB_STATUS=\"$(cat .pk-ci-job-status 2>/dev/null || echo canceled)\"\n" + Shared.script(after))
            .put("when", "always()").put("continueOnError", true);
      } else {
        steps.addObject().put("name", "script").put("run", run);
      }
    }
  }

  private static final Pattern COMPARE = Pattern.compile("^\\s*\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?\\s*(==|!=)\\s*[\"']([^\"']*)[\"']\\s*$");
  private static final Pattern BARE = Pattern.compile("^\\s*\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?\\s*$");

  /**
   * A rules/only if: as a condition, or null: $CI_COMMIT_BRANCH == "main", $CI_COMMIT_TAG, $CI_PIPELINE_SOURCE == "push",
   * and the file's own variables ({@code $DEPLOY == "true"}, {@code $DEPLOY}: set and not empty), joined by && and ||.
   * {@code jobVariables} are the job's own.
   */
  String condition(String gitlab, Set<String> jobVariables) {
    List<String> ors = new ArrayList<>();
    for (String or : gitlab.split("\\|\\|")) {
      List<String> ands = new ArrayList<>();
      for (String and : or.split("&&")) {
        String t = and.trim().replaceAll("^\\(+|\\)+$", "").trim();
        Matcher m = COMPARE.matcher(t);
        Matcher bare = BARE.matcher(t);
        if (m.matches()) {
          String var = variable(m.group(1), jobVariables);
          if (var == null) return null;
          String value = m.group(1).equals("CI_PIPELINE_SOURCE") ? source(m.group(3)) : m.group(3);
          if (value == null) return null;
          ands.add(var + " " + m.group(2) + " '" + value.replace("'", "") + "'");
        } else if (bare.matches() && bare.group(1).equals("CI_COMMIT_TAG")) {
          ands.add("tag != ''");
        } else if (bare.matches() && bare.group(1).equals("CI_COMMIT_BRANCH")) {
          ands.add("branch != ''");
        } else if (bare.matches() && variable(bare.group(1), jobVariables) != null && !bare.group(1).startsWith("CI_")) {
          ands.add(variable(bare.group(1), jobVariables) + " != ''");
        } else {
          return null;
        }
      }
      ors.add(String.join(" && ", ands));
    }
    return ors.size() == 1 ? ors.get(0) : "(" + String.join(") || (", ors) + ")";
  }

  private String variable(String gitlab, Set<String> jobVariables) {
    return switch (gitlab) {
      case "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME" -> "branch";
      case "CI_COMMIT_TAG" -> "tag";
      case "CI_PIPELINE_SOURCE" -> "trigger.kind";
      default -> {
        // the file's own variables (the job's win over the global ones, as the env does); GitLab's and the project's are unknown here
        if (gitlab.startsWith("CI_") || gitlab.startsWith("GITLAB_")) yield null;
        if (jobVariables.contains(gitlab) || (globalVariables.contains(gitlab) && !parameters.contains(gitlab))) yield "env." + gitlab;
        yield parameters.contains(gitlab) ? "params." + gitlab : null;
      }
    };
  }

  private static String source(String gitlab) {
    return switch (gitlab) {
      case "push" -> "push";
      case "merge_request_event" -> "pull-request";
      case "schedule" -> "schedule";
      case "web" -> "manual";
      case "api", "trigger" -> "api";
      case "pipeline", "parent_pipeline" -> "upstream";
      default -> null;
    };
  }

  /**
   * GitLab's rules: the first whose if: holds decides, and when: never keeps the job out. Folded from the last rule up
   * into one condition: a rule that runs is {@code if || rest}, a never rule {@code !if && rest}. An if: with no
   * counterpart counts as holding for a rule that runs and as not holding for a never rule (the job rather runs);
   * changes: and exists: are taken as holding.
   */
  /** Rules with the lists a {@code !reference} put in their place spliced in, as GitLab reads them. */
  private static List<Value> flat(List<Value> rules) {
    List<Value> out = new ArrayList<>();
    for (Value r : rules) {
      if (r.isList()) out.addAll(flat(r.list()));
      else out.add(r);
    }
    return out;
  }

  private void rules(String p, Value v, ObjectNode stage, boolean own, Set<String> jobVariables) {
    Folded f = fold(flat(v.list()), jobVariables);
    if (f.manual()) stage.putObject("approval").putArray("approvers").add("maintainers");
    if (f.when() != null) stage.put("when", f.when());
    if (!own) return;
    String note = (f.when() == null ? "runs on every trigger" : "as when: " + f.when())
        + (f.manual() ? "; when: manual → an approval by 'maintainers'" : "");
    if (f.untranslated() == null) mapped(p, v, note);
    else approx(p, v, note + f.untranslated());
  }

  /** Rules as one condition (null: always), whether one of them is manual, and what could not be carried over (null: nothing). */
  private record Folded(String when, boolean manual, String untranslated) {}

  private Folded fold(List<Value> list, Set<String> jobVariables) {
    boolean exact = true;
    boolean manual = false;
    List<String> untranslated = new ArrayList<>();
    Rules acc = Rules.FALSE;
    for (int i = list.size() - 1; i >= 0; i--) {
      Value rule = list.get(i);
      String when = rule.get("when").map(Value::text).orElse("on_success");
      boolean runs = !when.equals("never");
      if (when.equals("manual")) manual = true;
      if (rule.get("changes").isPresent() || rule.get("exists").isPresent()) exact = false;
      Optional<String> ifText = rule.get("if").map(Value::text);
      String c = ifText.isEmpty() ? "true" : condition(ifText.get(), jobVariables);
      if (c == null) {
        exact = false;
        untranslated.add(ifText.get().trim());
        c = runs ? "true" : "false";
      }
      // a rule's when: on_failure runs the job only after a failure, when: always whatever happened before
      if (when.equals("on_failure")) c = c.equals("true") ? "failure()" : "(" + c + ") && failure()";
      else if (when.equals("always") && !c.equals("false")) c = c.equals("true") ? "always()" : "(" + c + ") && always()";
      acc = acc.after(c, runs);
    }
    return new Folded(acc.text(), manual, exact ? null
        : " (changes:/exists: taken as true" + (untranslated.isEmpty() ? "" : "; no counterpart for " + untranslated) + ")");
  }

  /** workflow: rules decide whether there is a pipeline at all: their condition goes in front of every job's. */
  private void workflow(Value workflow) {
    Optional<Value> rules = workflow.get("rules");
    for (Map.Entry<String, Value> e : workflow.map().entrySet()) {
      if (!e.getKey().equals("rules")) {
        approx(path("workflow", e.getKey()), e.getValue(), "workflow " + e.getKey() + " has no counterpart; it is not applied");
      }
    }
    if (rules.isEmpty() || !rules.get().isList()) return;
    Folded f = fold(flat(rules.get().list()), Set.of());
    if (f.when() != null) {
      for (var node : stages) {
        ObjectNode stage = (ObjectNode) node;
        String own = stage.path("when").asText("");
        stage.put("when", own.isEmpty() ? f.when() : "(" + f.when() + ") && (" + own + ")");
      }
    }
    String note = f.when() == null ? "every trigger makes a pipeline" : "every job runs only when " + f.when();
    if (f.untranslated() == null && !f.manual()) mapped("workflow.rules", rules.get(), note);
    else approx("workflow.rules", rules.get(), note + (f.untranslated() == null ? "" : f.untranslated())
        + (f.manual() ? "; when: manual has no meaning for a whole pipeline" : ""));
  }

  /** A condition folded from rules: always, never, an || of terms, or any other expression. */
  private record Rules(String kind, List<String> terms) {
    static final Rules TRUE = new Rules("true", List.of());
    static final Rules FALSE = new Rules("false", List.of());

    /** The rules with one more in front: {@code c} decides when it holds ({@code runs} or not), else these do. */
    Rules after(String c, boolean runs) {
      if (c.equals("true")) return runs ? TRUE : FALSE;
      if (c.equals("false")) return this;
      if (runs) {
        if (this == TRUE) return TRUE;
        List<String> ors = new ArrayList<>();
        ors.add(c);
        if (kind.equals("or")) ors.addAll(terms);
        else if (this != FALSE) ors.add(text());
        return new Rules("or", ors);
      }
      if (this == FALSE) return FALSE;
      return new Rules("other", List.of("!(" + c + ")" + (this == TRUE ? "" : " && (" + text() + ")")));
    }

    /** The condition, or null for always. */
    String text() {
      if (this == TRUE) return null;
      if (this == FALSE) return "false";
      if (kind.equals("or")) return terms.size() == 1 ? terms.get(0) : "(" + String.join(") || (", terms) + ")";
      return terms.get(0);
    }
  }

  private void onlyExcept(String p, String key, Value v, ObjectNode stage, boolean own) {
    List<String> refs = v.isMap() ? v.get("refs").map(Value::texts).orElse(List.of()) : v.texts();
    List<String> conds = new ArrayList<>();
    boolean exact = !v.isMap() || v.map().keySet().equals(Set.of("refs"));
    for (String ref : refs) {
      switch (ref) {
        case "branches" -> conds.add("branch != ''");
        case "tags" -> conds.add("tag != ''");
        case "merge_requests" -> conds.add("trigger.kind == 'pull-request'");
        case "schedules" -> conds.add("trigger.kind == 'schedule'");
        case "web" -> conds.add("trigger.kind == 'manual'");
        case "api", "triggers" -> conds.add("trigger.kind == 'api'");
        default -> {
          if (ref.startsWith("/")) {
            exact = false;
            String prefix = ref.replaceAll("^/\\^?|/$", "").replaceAll("[.*+?(\\[\\\\$].*", "");
            conds.add(prefix.isEmpty() ? "true" : "startsWith(branch, '" + prefix.replace("'", "") + "')");
          } else {
            // main@group/project: the branch main of that project; here the file's own project is the one that runs
            conds.add(Shared.branchCondition(ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref, "branch"));
          }
        }
      }
    }
    if (conds.isEmpty()) {
      if (own) approx(p, v, key + " on variables, changes or kubernetes is not applied: the job runs on every trigger");
      return;
    }
    String c = "(" + String.join(") || (", conds) + ")";
    if (key.equals("except")) c = "!" + c;
    stage.put("when", stage.has("when") ? "(" + stage.get("when").asText() + ") && " + c : c);
    if (own) {
      if (exact) mapped(p, v, "as when: " + c);
      else approx(p, v, "as when: " + c + " (regular expressions as prefixes; variables/changes not applied)");
    }
  }

  private void when(String p, Value v, ObjectNode stage, boolean own, String job, Value allowFailure) {
    String w = Optional.ofNullable(v.text()).orElse("on_success");
    switch (w) {
      case "manual" -> {
        if (allowFailure != null && "false".equals(allowFailure.text())) {
          // a blocking manual job: the pipeline waits for someone to start it
          stage.putObject("approval").putArray("approvers").add("maintainers");
          if (own) approx(p, v, "a blocking manual job (allow_failure: false) becomes an approval by 'maintainers' (change the approvers)");
        } else {
          // GitLab's manual job is not run unless someone starts it, and holds no later job back
          String param = "run_" + job.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("^[^a-z]+", "");
          if (!parameters.contains(param) && org.pipelinekit.core.model.Parameter.isValidName(param)) {
            (doc.has("parameters") ? (ArrayNode) doc.get("parameters") : doc.putArray("parameters")).addObject().put("name", param)
                .put("type", "boolean").put("default", false).put("description", "start the manual job " + job);
            parameters.add(param);
          }
          stage.put("when", stage.has("when") ? "(" + stage.get("when").asText() + ") && params." + param : "params." + param);
          if (own) mapped(p, v, "a manual job: it runs only when started (-p " + param + "=true) and holds no later job back");
        }
      }
      case "always" -> { stage.put("when", "always()"); if (own) mapped(p, v); }
      case "on_failure" -> { stage.put("when", "failure()"); if (own) mapped(p, v); }
      case "on_success" -> { if (own) mapped(p, v); }
      case "never" -> { stage.put("when", "false"); if (own) mapped(p, v); }
      default -> { if (own) unsupported(p, v, "when: " + w + " has no counterpart (delayed jobs start at once)"); }
    }
  }

  private void cache(String p, Value v, ObjectNode stage, boolean own) {
    List<Value> caches = v.isList() ? v.list() : List.of(v);
    ArrayNode out = JSON.createArrayNode();
    boolean exact = true;
    for (Value c : caches) {
      List<String> paths = c.get("paths").map(Value::texts).orElse(List.of());
      if (paths.isEmpty()) continue;
      ObjectNode spec = out.addObject();
      Value key = c.get("key").orElse(null);
      String k;
      if (key == null) {
        k = "default";
      } else if (key.isText()) {
        k = key.text().replace("$CI_COMMIT_REF_SLUG", "${{ branch }}").replace("${CI_COMMIT_REF_SLUG}", "${{ branch }}")
            .replace("$CI_JOB_NAME", stage.path("id").asText("job")).replace("${CI_JOB_NAME}", stage.path("id").asText("job"));
        if (k.contains("$")) exact = false;
      } else {
        List<String> files = key.get("files").map(Value::texts).orElse(List.of());
        String prefix = key.get("prefix").map(Value::text).orElse("");
        k = (prefix.isEmpty() ? "" : prefix + "-") + "${{ hashFiles(" + String.join(", ", files.stream().map(f -> "'" + f.replace("'", "") + "'").toList()) + ") }}";
      }
      spec.put("key", k);
      spec.set("paths", texts(paths));
      List<String> fallback = c.get("fallback_keys").map(Value::texts).orElse(List.of());
      if (!fallback.isEmpty()) spec.set("restoreKeys", texts(fallback));
      Optional<String> policy = c.get("policy").map(Value::text);
      if (policy.isPresent() && List.of("pull", "push", "pull-push").contains(policy.get())) spec.put("policy", policy.get());
      else if (policy.isPresent()) exact = false; // a variable, say: restored and saved
      if (c.get("when").isPresent() || c.get("untracked").isPresent()) exact = false;
    }
    if (!out.isEmpty()) stage.set("cache", out);
    if (!own) return;
    if (out.isEmpty()) unsupported(p, v, "a cache needs paths");
    else if (exact) mapped(p, v, "key, files (as hashFiles), fallback_keys (as restoreKeys) and policy");
    else approx(p, v, "when/untracked, a policy from a variable and variables in keys are not applied");
  }

  /** The dotenv report files of each job (by stage id): their variables reach the jobs after it. */
  private final Map<String, List<String>> dotenv = new LinkedHashMap<>();

  private void artifacts(String p, Value v, ObjectNode stage, boolean own) {
    List<String> paths = new ArrayList<>(v.get("paths").map(Value::texts).orElse(List.of()));
    List<String> env = v.get("reports").flatMap(r -> r.get("dotenv")).map(d -> d.isList() ? d.texts() : List.of(d.text())).orElse(List.of());
    if (!env.isEmpty()) {
      dotenv.put(stage.path("id").asText(), env);
      paths.addAll(env); // handed on as files, read by the jobs after it
    }
    if (!paths.isEmpty()) {
      ObjectNode a = stage.putObject("artifacts");
      a.set("paths", texts(paths));
      Optional<String> retention = v.get("expire_in").map(Value::text).map(Shared::duration);
      retention.ifPresent(r -> a.put("retention", r));
      v.get("when").map(Value::text).ifPresent(w -> {
        switch (w) {
          case "on_failure" -> a.put("when", "on-failure");
          case "always" -> a.put("when", "always");
          default -> { }
        }
      });
      v.get("name").map(Value::text).filter(n -> !n.contains("$")).ifPresent(n -> a.put("name", n));
    }
    if (!own) return;
    Set<String> other = new LinkedHashSet<>(v.map().keySet());
    other.removeAll(Set.of("paths", "expire_in", "when", "name"));
    boolean otherReports = v.get("reports").map(r -> r.map().keySet().stream().anyMatch(k -> !k.equals("dotenv"))).orElse(false);
    if (!otherReports) other.remove("reports");
    String kept = "paths, expire_in (as retention), when" + (env.isEmpty() ? "" : ", the dotenv report (its variables reach the jobs after it)");
    if (paths.isEmpty()) unsupported(p, v, "only artifacts with paths or a dotenv report are kept (other reports are not read)");
    else if (other.isEmpty()) mapped(p, v, kept);
    else approx(p, v, kept + " kept; " + other + (otherReports ? " (reports other than dotenv)" : "") + " are not");
  }

  /**
   * A job whose needs (directly or through others) wrote dotenv reports starts with their variables: the files came
   * with the artifacts, and its script reads them first, as GitLab puts them in the job's environment.
   */
  private void dotenvReachesLaterJobs() {
    if (dotenv.isEmpty()) return;
    Map<String, List<String>> needs = new LinkedHashMap<>();
    for (var node : stages) {
      List<String> n = new ArrayList<>();
      node.path("needs").forEach(x -> n.add(x.asText()));
      needs.put(node.path("id").asText(), n);
    }
    for (var node : stages) {
      ObjectNode st = (ObjectNode) node;
      List<String> files = new ArrayList<>();
      for (String before : ancestors(st.path("id").asText(), needs)) files.addAll(dotenv.getOrDefault(before, List.of()));
      if (files.isEmpty() || !st.path("steps").isArray() || st.path("steps").isEmpty()) continue;
      ObjectNode first = (ObjectNode) st.path("steps").get(0);
      StringBuilder read = new StringBuilder();
      for (String f : new LinkedHashSet<>(files)) {
        String q = "'" + f.replace("'", "'\\''") + "'";
        read.append("if [ -f ").append(q).append(" ]; then set -a; . ./").append(q).append("; set +a; fi\n");
      }
      first.put("run", read + first.path("run").asText());
    }
  }

  private void parallel(String p, Value v, ObjectNode stage, boolean own) {
    ObjectNode matrix = JSON.createObjectNode();
    Integer jobs = Shared.count(v.text());
    if (jobs != null) {
      ArrayNode idx = matrix.putObject("axes").putArray("CI_NODE_INDEX");
      for (int i = 1; i <= jobs; i++) idx.add(String.valueOf(i));
      stage.set("matrix", matrix);
      if (own) mapped(p, v, "as a matrix over CI_NODE_INDEX, with CI_NODE_TOTAL");
      return;
    }
    List<Value> entries = v.get("matrix").map(Value::list).orElse(List.of());
    ArrayNode include = matrix.putArray("include");
    for (Value entry : entries) {
      List<Map<String, String>> combos = new ArrayList<>();
      combos.add(new LinkedHashMap<>());
      for (Map.Entry<String, Value> axis : entry.map().entrySet()) {
        List<Map<String, String>> next = new ArrayList<>();
        for (Map<String, String> c : combos) {
          for (String value : axis.getValue().texts()) {
            Map<String, String> n = new LinkedHashMap<>(c);
            n.put(axis.getKey(), value);
            next.add(n);
          }
        }
        combos = next;
      }
      for (Map<String, String> c : combos) {
        if (c.isEmpty()) continue;
        ObjectNode o = include.addObject();
        c.forEach(o::put);
        o.put("CI_NODE_INDEX", String.valueOf(include.size())); // GitLab numbers a matrix's jobs too
      }
    }
    if (include.isEmpty()) {
      if (own) unsupported(p, v, "parallel needs a number or matrix entries");
      return;
    }
    stage.set("matrix", matrix);
    if (own) mapped(p, v, "each entry's combinations as matrix include entries; the values are $VARIABLES and ${{ matrix.x }}");
  }
}
