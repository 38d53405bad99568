package org.pipelinekit.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipelinekit.imports.YamlTree.Value;

/** GitHub Actions workflows: triggers, jobs as stages, matrices, steps, the common actions; see {@link CiImport}. */
final class GitHubActionsImporter extends Importer {
  private final Map<String, Value> jobs;
  private Value workflowDefaults;
  /** The job being read. */
  private String currentJob;

  /** An upload-artifact step: its job, its name (with any ${{ }} in it) and its paths (translated). */
  private record Upload(String job, String name, List<String> paths) {}

  private final List<Upload> uploads = new ArrayList<>();

  private GitHubActionsImporter(String source, Value root) {
    super("gha", source);
    this.jobs = root.get("jobs").map(Value::map).orElse(Map.of());
  }

  static ImportResult read(String text, String source) {
    List<String> notes = new ArrayList<>();
    List<Value> docs = YamlTree.read(text, source, notes);
    if (docs.isEmpty() || !docs.get(0).isMap()) throw new ImportException(source, 1, 1, "a workflow is a YAML mapping with on: and jobs:");
    Value root = docs.get(0);
    if (root.get("runs").isPresent() && root.get("jobs").isEmpty()) {
      Value runs = root.get("runs").get();
      throw new ImportException(source, runs.line(), runs.column(), "this is an action (action.yml: runs:), not a workflow;"
          + " import the workflows that use it (their uses: steps are kept as action steps)");
    }
    if (root.get("jobs").isEmpty() || !root.get("jobs").get().isMap()) {
      throw new ImportException(source, root.line(), root.column(), "a workflow needs jobs: (a mapping of job ids to jobs)");
    }
    GitHubActionsImporter i = new GitHubActionsImporter(source, root);
    notes.forEach(n -> i.report.add("(yaml)", 0, 0, ImportReport.Outcome.APPROXIMATED, n));
    i.jobs.forEach((name, job) -> { // ids first, so needs and needs.X.outputs can name jobs defined later
      if (job.isMap()) i.stageId(name);
    });
    i.workflow(root);
    return i.finish(root, "GitHub Actions");
  }

  private String id(String job) {
    return hasStage(job) ? stageId(job) : job;
  }

  private void workflow(Value root) {
    for (Map.Entry<String, Value> e : root.map().entrySet()) {
      String key = e.getKey();
      Value v = e.getValue();
      switch (key) {
        case "name" -> {
          if (v.isText()) doc.put("name", v.text());
          mapped(key, v);
        }
        case "on", "true" -> triggers(key, v);
        case "env" -> {
          doc.set("env", env(key, v));
        }
        case "defaults" -> {
          workflowDefaults = v.get("run").orElse(null);
          mapped(key, v, "applied to every run step");
        }
        case "concurrency" -> concurrency(key, v, doc);
        case "permissions" -> unsupported(key, v, "no GitHub token is issued: local runs have no permissions to scope");
        case "run-name" -> unsupported(key, v, "executions are numbered, not titled");
        case "jobs" -> {
          for (Map.Entry<String, Value> j : v.map().entrySet()) uploads(j.getKey(), j.getValue());
          for (Map.Entry<String, Value> j : v.map().entrySet()) job(path("jobs", j.getKey()), j.getKey(), j.getValue());
          declareReadOutputs();
        }
        default -> { } // left for the sweep: not a workflow key
      }
    }
  }

  private void triggers(String at, Value on) {
    ArrayNode triggers = JSON.createArrayNode();
    if (on.isText() || on.isList()) {
      for (String event : on.texts()) trigger(at, event, null, on, triggers);
    } else {
      for (Map.Entry<String, Value> e : on.map().entrySet()) trigger(path(at, e.getKey()), e.getKey(), e.getValue(), e.getValue(), triggers);
    }
    if (!triggers.isEmpty()) doc.set("triggers", triggers);
    if (on.isText() || on.isList()) mapped(at, on);
  }

  private void trigger(String at, String event, Value body, Value where, ArrayNode triggers) {
    boolean own = body != null;
    switch (event) {
      case "push", "pull_request", "pull_request_target" -> {
        ObjectNode t = JSON.createObjectNode();
        ObjectNode filters = t.putObject(event.equals("push") ? "push" : "pull-request");
        if (body != null && body.isMap()) {
          for (Map.Entry<String, Value> f : body.map().entrySet()) {
            String p = path(at, f.getKey());
            switch (f.getKey()) {
              case "branches", "paths" -> {
                filters.set(f.getKey(), texts(f.getValue().texts()));
                mapped(p, f.getValue());
              }
              case "tags" -> {
                if (event.equals("push")) {
                  filters.set("tags", texts(f.getValue().texts()));
                  mapped(p, f.getValue());
                } else {
                  unsupported(p, f.getValue(), "pull requests have no tags");
                }
              }
              case "branches-ignore", "paths-ignore", "tags-ignore" -> unsupported(p, f.getValue(),
                  "ignore filters have no counterpart: the trigger fires for the excluded ones too");
              case "types" -> approx(p, f.getValue(), "every kind of " + event + " event triggers");
              default -> { }
            }
          }
        }
        triggers.add(t);
        if (own) mapped(at, where, event.equals("pull_request_target") ? "as a pull-request trigger" : "");
        else report.add(path("on", event), where.line(), where.column(), ImportReport.Outcome.MAPPED, "");
      }
      case "schedule" -> {
        int i = 0;
        for (Value s : body == null ? List.<Value>of() : body.list()) {
          String p = path(at, i++);
          Optional<String> cron = s.get("cron").map(Value::text);
          if (cron.isPresent()) {
            ObjectNode t = JSON.createObjectNode();
            t.putObject("schedule").put("cron", cron.get());
            triggers.add(t);
            mapped(p, s, "cron in UTC, as GitHub runs it");
          } else {
            unsupported(p, s, "a schedule entry needs cron:");
          }
        }
        if (body == null || !body.isList()) unsupported(at, where, "schedule needs a list of cron entries");
      }
      case "workflow_dispatch", "workflow_call" -> {
        ObjectNode t = JSON.createObjectNode();
        t.putObject(event.equals("workflow_dispatch") ? "manual" : "api");
        triggers.add(t);
        if (body != null && body.isMap()) {
          for (Map.Entry<String, Value> f : body.map().entrySet()) {
            String p = path(at, f.getKey());
            if (f.getKey().equals("inputs")) {
              for (Map.Entry<String, Value> in : f.getValue().map().entrySet()) parameter(path(p, in.getKey()), in.getKey(), in.getValue());
              if (!f.getValue().isMap()) unsupported(p, f.getValue(), "inputs must be a mapping");
            } else if (f.getKey().equals("outputs") || f.getKey().equals("secrets")) {
              unsupported(p, f.getValue(), "a reusable workflow's " + f.getKey() + " have no counterpart");
            }
          }
        }
        if (own) {
          if (event.equals("workflow_call")) approx(at, where, "called workflows become pipelines started over the API");
          else mapped(at, where);
        } else {
          report.add(path("on", event), where.line(), where.column(), ImportReport.Outcome.MAPPED, "");
        }
      }
      default -> {
        if (own) unsupported(at, where, "the '" + event + "' event has no counterpart (triggers: push, pull request, schedule, manual)");
        else report.add(path("on", event), where.line(), where.column(), ImportReport.Outcome.UNSUPPORTED,
            "the '" + event + "' event has no counterpart");
      }
    }
  }

  private void parameter(String at, String name, Value in) {
    ObjectNode p = JSON.createObjectNode();
    p.put("name", name);
    String type = in.get("type").map(Value::text).orElse("string");
    List<String> options = in.get("options").map(Value::texts).orElse(List.of());
    String mappedType = switch (type) {
      case "boolean" -> "boolean";
      case "number" -> "number";
      case "choice" -> options.isEmpty() ? "string" : "choice";
      default -> "string";
    };
    p.put("type", mappedType);
    if (mappedType.equals("choice")) p.set("options", texts(options));
    in.get("description").map(Value::text).ifPresent(d -> p.put("description", d));
    in.get("required").map(Value::text).ifPresent(r -> p.put("required", Boolean.parseBoolean(r)));
    in.get("default").map(Value::text).ifPresent(d -> {
      switch (mappedType) {
        case "boolean" -> p.put("default", Boolean.parseBoolean(d));
        case "number" -> {
          try {
            p.put("default", Double.parseDouble(d));
          } catch (NumberFormatException e) {
            p.put("default", d);
          }
        }
        default -> p.put("default", d);
      }
    });
    ArrayNode params = doc.has("parameters") ? (ArrayNode) doc.get("parameters") : doc.putArray("parameters");
    for (var existing : params) if (existing.path("name").asText().equals(name)) {
      approx(at, in, "declared twice (dispatch and call); the first is kept");
      return;
    }
    params.add(p);
    if (type.equals("environment")) approx(at, in, "an environment input becomes a string parameter");
    else mapped(at, in);
  }

  private ObjectNode env(String at, Value v) {
    return env(at, v, false);
  }

  private ObjectNode env(String at, Value v, boolean inStep) {
    ObjectNode env = JSON.createObjectNode();
    StringBuilder changed = new StringBuilder();
    for (Map.Entry<String, Value> e : v.map().entrySet()) {
      String value = e.getValue().isText() ? e.getValue().text() : e.getValue().isNull() ? "" : String.valueOf(e.getValue().value());
      env.put(e.getKey(), Expressions.text(value, this::id, changed, inStep));
    }
    if (v.isMap() && changed.isEmpty()) mapped(at, v);
    else if (v.isMap()) approx(at, v, "expressions: " + changed);
    else unsupported(at, v, "env computed by an expression is not read");
    return env;
  }

  private void concurrency(String at, Value v, ObjectNode target) {
    StringBuilder changed = new StringBuilder();
    if (v.isText()) {
      target.putObject("concurrency").put("group", Expressions.text(v.text(), this::id, changed)).put("cancelInProgress", false);
    } else if (v.get("group").isPresent()) {
      ObjectNode c = target.putObject("concurrency").put("group", Expressions.text(v.get("group").get().text() == null ? "group"
          : v.get("group").get().text(), this::id, changed));
      String cancel = v.get("cancel-in-progress").map(Value::text).orElse("false");
      if (cancel.equals("true") || cancel.equals("false")) c.put("cancelInProgress", Boolean.parseBoolean(cancel));
      else changed.append("cancel-in-progress by expression → false; ");
    } else {
      unsupported(at, v, "concurrency needs a group");
      return;
    }
    if (changed.isEmpty()) mapped(at, v);
    else approx(at, v, changed.toString());
  }

  /** The job's upload-artifact steps, read before any job so that a download in a job before it finds them. */
  private void uploads(String job, Value body) {
    for (Value step : body.get("steps").filter(Value::isList).map(Value::list).orElse(List.of())) {
      String uses = step.get("uses").map(Value::text).orElse("");
      if (uses == null || !uses.replaceAll("@.*", "").equals("actions/upload-artifact")) continue;
      Map<String, Value> with = step.get("with").filter(Value::isMap).map(Value::map).orElse(Map.of());
      uploads.add(new Upload(job, Optional.ofNullable(with.get("name")).map(Value::text).orElse("artifact"), uploadPaths(with)));
    }
  }

  /** An upload's paths, one per line, without the exclusions ({@code !...}), their expressions translated as a step's. */
  private List<String> uploadPaths(Map<String, Value> with) {
    return Optional.ofNullable(with.get("path")).map(Value::text)
        .map(ps -> ps.lines().map(String::trim).filter(x -> !x.isEmpty() && !x.startsWith("!"))
            .map(x -> Expressions.text(x, this::id, new StringBuilder(), true)).toList())
        .orElse(List.of());
  }

  private void job(String at, String name, Value job) {
    currentJob = name;
    objectFields.clear();
    if (!job.isMap()) {
      unsupported(at, job, "a job is a mapping");
      return;
    }
    ObjectNode stage = stages.addObject();
    stage.put("id", stageId(name));
    Value jobDefaults = null;
    List<Map.Entry<String, Value>> entries = new ArrayList<>(job.map().entrySet());
    for (Map.Entry<String, Value> e : entries) if (e.getKey().equals("defaults")) jobDefaults = e.getValue().get("run").orElse(null);
    for (Map.Entry<String, Value> e : entries) {
      String key = e.getKey();
      Value v = e.getValue();
      String p = path(at, key);
      switch (key) {
        case "name" -> {
          if (v.isText()) stage.put("name", v.text());
          mapped(p, v);
        }
        case "needs" -> {
          ArrayNode needs = stage.putArray("needs");
          for (String n : v.texts()) needs.add(id(n));
          mapped(p, v);
        }
        case "if" -> condition(p, v, stage);
        case "runs-on" -> approx(p, v, "runs on this machine (or in the stage's image); runner labels are not used");
        case "container" -> {
          Optional<String> image = v.isText() ? Optional.of(v.text()) : v.get("image").map(Value::text);
          if (image.isPresent()) {
            stage.put("image", image.get());
            if (v.isMap() && v.map().size() > 1) approx(p, v, "the image is used; " + new ArrayList<>(v.map().keySet()).subList(1, v.map().size())
                + " are not");
            else mapped(p, v);
          } else {
            unsupported(p, v, "a container needs an image");
          }
        }
        case "services" -> unsupported(p, v, "service containers are started only by integration-tests stages (with: services)");
        case "env" -> stage.set("env", env(p, v));
        case "defaults" -> mapped(p, v, "applied to the job's run steps");
        case "timeout-minutes" -> {
          String d = minutes(v);
          if (d != null) {
            stage.put("timeout", d);
            mapped(p, v);
          } else {
            unsupported(p, v, "not a number of minutes");
          }
        }
        case "continue-on-error" -> {
          if ("true".equals(v.text()) || "false".equals(v.text())) {
            stage.put("continueOnError", Boolean.parseBoolean(v.text()));
            mapped(p, v);
          } else {
            unsupported(p, v, "continue-on-error by expression is not supported");
          }
        }
        case "concurrency" -> unsupported(p, v, "concurrency groups are per pipeline, not per stage");
        case "environment" -> {
          StringBuilder exprs = new StringBuilder();
          Optional<String> envName = (v.isText() ? Optional.of(v.text()) : v.get("name").map(Value::text))
              .map(n -> Expressions.text(n, this::id, exprs, false));
          if (envName.isPresent()) {
            Optional<String> url = v.get("url").map(Value::text).map(u -> Expressions.text(u, this::id, exprs, false));
            if (url.isPresent()) stage.putObject("environment").put("name", envName.get()).put("url", url.get());
            else stage.put("environment", envName.get());
            mapped(p, v);
          } else {
            unsupported(p, v, "an environment needs a name");
          }
        }
        case "outputs" -> { } // after the steps, which they read
        case "strategy" -> strategy(p, v, stage);
        case "steps" -> steps(p, v, stage, jobDefaults);
        case "permissions" -> unsupported(p, v, "no GitHub token is issued: local runs have no permissions to scope");
        case "uses" -> {
          ArrayNode steps = stage.putArray("steps");
          steps.addObject().put("name", "uses " + v.text()).put("run", "echo 'pipelinekit: the reusable workflow " + quote(v.text())
              + " is not expanded; import it on its own' >&2; exit 1");
          unsupported(p, v, "calls to reusable workflows are not expanded; the stage fails saying so");
        }
        case "with", "secrets" -> unsupported(p, v, "inputs of a reusable workflow call");
        default -> { }
      }
    }
    job.get("outputs").ifPresent(v -> jobOutputs(path(at, "outputs"), v, stage));
    if (!stage.has("steps")) stage.putArray("steps").addObject().put("run", "true");
    undefinedMatrixKeys(at, job, stage);
  }

  private static final Pattern MATRIX_KEY = Pattern.compile("(?<![A-Za-z0-9_.])matrix\\.([A-Za-z0-9_-]+)");
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}", Pattern.DOTALL);

  /**
   * GitHub reads a matrix key that no matrix entry defines (or any key of a job without a matrix) as an empty string;
   * here such a reference would be refused, so it becomes {@code ''} — in every text of the stage, and said once.
   */
  private void undefinedMatrixKeys(String at, Value job, ObjectNode stage) {
    objectFields.forEach((key, fields) -> { // matrix.config.os is the key config_os
      Pattern field = Pattern.compile("(?<![A-Za-z0-9_.])matrix\\." + Pattern.quote(key) + "\\.([A-Za-z0-9_-]+)");
      replaceTexts(stage, (name, text) -> field.matcher(text).replaceAll(r -> "matrix." + Matcher.quoteReplacement(key + "_" + r.group(1))));
    });
    java.util.Set<String> defined = new java.util.HashSet<>();
    stage.path("matrix").path("axes").fieldNames().forEachRemaining(defined::add);
    stage.path("matrix").path("include").forEach(inc -> inc.fieldNames().forEachRemaining(defined::add));
    java.util.Set<String> missing = new java.util.TreeSet<>();
    replaceTexts(stage, (field, text) -> {
      if (field.equals("when")) return emptyMatrixKeys(text, defined, missing);
      Matcher m = EXPRESSION.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement("${{" + emptyMatrixKeys(m.group(1), defined, missing) + "}}"));
      m.appendTail(out);
      return out.toString();
    });
    if (!missing.isEmpty()) {
      report.add(path(at, "strategy.matrix") + " (keys)", job.line(), job.column(), ImportReport.Outcome.APPROXIMATED,
          "matrix." + String.join(", matrix.", missing) + (stage.has("matrix") ? " defined by no matrix entry" : " used by a job without a matrix")
              + ": read as '' (as GitHub reads a key no entry defines)");
    }
  }

  private static String emptyMatrixKeys(String expression, java.util.Set<String> defined, java.util.Set<String> missing) {
    return MATRIX_KEY.matcher(expression).replaceAll(r -> {
      if (defined.contains(r.group(1))) return Matcher.quoteReplacement(r.group());
      missing.add(r.group(1));
      return "''";
    });
  }

  /** Every text value under {@code node} (not its matrix), replaced by {@code f(field, text)}. */
  private static void replaceTexts(com.fasterxml.jackson.databind.JsonNode node, java.util.function.BiFunction<String, String, String> f) {
    if (node instanceof ObjectNode o) {
      List<String> names = new java.util.ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        if (n.equals("matrix")) continue;
        com.fasterxml.jackson.databind.JsonNode v = o.get(n);
        if (v.isTextual()) o.put(n, f.apply(n, v.asText()));
        else replaceTexts(v, f);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) a.set(i, com.fasterxml.jackson.databind.node.TextNode.valueOf(f.apply("", a.get(i).asText())));
        else replaceTexts(a.get(i), f);
      }
    }
  }

  /**
   * A job's outputs are the stage's. One that names a step output of the same name is already one: the steps' $GITHUB_OUTPUT
   * is the stage's $PIPELINE_OUTPUT. Any other is set by a last step from what the steps wrote (an expression over
   * {@code outputs.<name>}, passed through the environment so no value is read as shell).
   */
  private void jobOutputs(String at, Value v, ObjectNode stage) {
    if (!v.isMap()) {
      unsupported(at, v, "outputs must be a mapping of names to expressions");
      return;
    }
    ArrayNode outs = stage.putArray("outputs");
    ObjectNode env = JSON.createObjectNode();
    StringBuilder script = new StringBuilder();
    for (Map.Entry<String, Value> e : v.map().entrySet()) {
      String name = e.getKey();
      String p = path(at, name);
      outs.add(name);
      String text = e.getValue().isText() ? e.getValue().text() : String.valueOf(e.getValue().value());
      Matcher same = SAME_STEP_OUTPUT.matcher(text.strip());
      if (same.matches() && same.group(1).equals(name)) {
        mapped(p, e.getValue(), "written by the step to $GITHUB_OUTPUT, which is the stage's output");
        continue;
      }
      StringBuilder changed = new StringBuilder();
      String var = "PK_JOB_OUTPUT_" + env.size();
      env.put(var, Expressions.text(text, this::id, changed, true));
      script.append("printf '%s<<__PK_OUTPUT__\\n%s\\n__PK_OUTPUT__\\n' '").append(quote(name)).append("' \"$").append(var)
          .append("\" >> \"$PIPELINE_OUTPUT\"\n");
      if (changed.isEmpty()) mapped(p, e.getValue(), "set by a last step from what the steps wrote");
      else approx(p, e.getValue(), "set by a last step; " + changed);
    }
    if (!script.isEmpty()) {
      ArrayNode steps = stage.has("steps") ? (ArrayNode) stage.get("steps") : stage.putArray("steps");
      ObjectNode last = steps.addObject().put("name", "job outputs").put("run", script.toString().strip());
      last.set("env", env);
    }
  }

  private static final Pattern SAME_STEP_OUTPUT = Pattern.compile("\\$\\{\\{\\s*steps\\.[A-Za-z0-9_-]+\\.outputs\\.([A-Za-z0-9_-]+)\\s*}}");

  private void condition(String p, Value v, ObjectNode stage) {
    String text = v.text() == null ? "" : v.text().trim();
    if (text.startsWith("${{") && text.endsWith("}}")) text = text.substring(3, text.length() - 2);
    Expressions.Translation t = Expressions.translate(text, this::id);
    if (t.text() != null) {
      stage.put("when", t.text());
      if (t.exact()) mapped(p, v);
      else approx(p, v, "as " + t.text());
    } else {
      approx(p, v, "condition dropped, the stage always runs: " + t.problem());
    }
  }

  private void strategy(String at, Value v, ObjectNode stage) {
    ObjectNode matrix = JSON.createObjectNode();
    for (Map.Entry<String, Value> e : v.map().entrySet()) {
      String p = path(at, e.getKey());
      Value x = e.getValue();
      switch (e.getKey()) {
        case "fail-fast" -> {
          if ("true".equals(x.text()) || "false".equals(x.text())) {
            matrix.put("failFast", Boolean.parseBoolean(x.text()));
            mapped(p, x);
          } else {
            unsupported(p, x, "fail-fast by expression");
          }
        }
        case "max-parallel" -> {
          Integer n = Shared.count(x.text());
          if (n != null) {
            matrix.put("maxParallel", n);
            mapped(p, x);
          } else {
            unsupported(p, x, "not a whole number from 1 to " + Shared.MAX_COUNT);
          }
        }
        case "matrix" -> matrix(p, x, matrix);
        default -> { }
      }
    }
    if (matrix.has("axes") || matrix.has("include")) stage.set("matrix", matrix);
  }

  /** The fields of the current job's object-valued matrix values, by matrix key: {@code matrix.key.field} reads {@code key_field}. */
  private final Map<String, java.util.Set<String>> objectFields = new java.util.LinkedHashMap<>();

  /**
   * A matrix entry as text values: an object value ({@code config: {os: linux, cc: gcc}}) stays as its JSON text (for
   * job names and matching) and its fields become keys of their own ({@code config_os}, {@code config_cc}).
   */
  private ObjectNode entry(Value item, boolean withFields) {
    ObjectNode o = JSON.createObjectNode();
    for (Map.Entry<String, Value> kv : item.map().entrySet()) {
      o.put(kv.getKey(), scalarOrJson(kv.getValue()));
      if (withFields && kv.getValue().isMap()) fields(kv.getKey(), kv.getValue(), o);
    }
    return o;
  }

  private void fields(String key, Value object, ObjectNode into) {
    for (Map.Entry<String, Value> f : object.map().entrySet()) {
      into.put(key + "_" + f.getKey(), scalarOrJson(f.getValue()));
      objectFields.computeIfAbsent(key, k -> new java.util.LinkedHashSet<>()).add(f.getKey());
    }
  }

  private void matrix(String at, Value m, ObjectNode matrix) {
    if (!m.isMap()) {
      unsupported(at, m, "a matrix computed at run time (" + (m.isText() ? m.text() : "expression") + ") cannot be expanded here");
      return;
    }
    ObjectNode axes = JSON.createObjectNode();
    int extensions = 0; // the includes that give object values their fields, in front of the file's own
    for (Map.Entry<String, Value> e : m.map().entrySet()) {
      String p = path(at, e.getKey());
      Value x = e.getValue();
      if (e.getKey().equals("include") || e.getKey().equals("exclude")) {
        if (!x.isList()) {
          unsupported(p, x, e.getKey() + " computed at run time is not expanded");
          continue;
        }
        ArrayNode list = JSON.createArrayNode();
        boolean deep = false;
        boolean objectsExcluded = false;
        for (Value item : x.list()) {
          if (!item.isMap()) continue;
          list.add(entry(item, e.getKey().equals("include")));
          for (Value v : item.map().values()) {
            deep |= v.isList() || (v.isMap() && v.map().values().stream().anyMatch(f -> f.isMap() || f.isList()));
            objectsExcluded |= v.isMap() && e.getKey().equals("exclude");
          }
        }
        matrix.withArray(e.getKey()).addAll(list);
        if (deep) approx(p, x, "values nested deeper than an object's fields become JSON text");
        else if (objectsExcluded) approx(p, x, "an object value excludes only the entries with the very same object");
        else mapped(p, x, "an object's fields are read as matrix.key.field");
      } else if (x.isList()) {
        ArrayNode values = axes.putArray(e.getKey());
        boolean deep = false;
        for (Value item : x.list()) {
          values.add(scalarOrJson(item));
          if (item.isMap()) { // its fields come with it, through an include that extends the entries with this value
            ObjectNode extend = JSON.createObjectNode().put(e.getKey(), scalarOrJson(item));
            fields(e.getKey(), item, extend);
            matrix.withArray("include").insert(extensions++, extend);
            deep |= item.map().values().stream().anyMatch(f -> f.isMap() || f.isList());
          } else {
            deep |= item.isList();
          }
        }
        if (deep) approx(p, x, "values nested deeper than an object's fields become JSON text");
        else mapped(p, x);
      } else {
        unsupported(p, x, "a matrix axis computed at run time is not expanded");
      }
    }
    if (!axes.isEmpty()) matrix.set("axes", axes);
  }

  private static String scalarOrJson(Value v) {
    if (v.isText()) return v.text();
    if (v.isNull()) return "";
    try {
      return JSON.writeValueAsString(plain(v));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(v.value());
    }
  }

  private static Object plain(Value v) {
    if (v.isMap()) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      v.map().forEach((k, x) -> out.put(k, plain(x)));
      return out;
    }
    if (v.isList()) return v.list().stream().map(GitHubActionsImporter::plain).toList();
    return v.value();
  }

  private void steps(String at, Value v, ObjectNode stage, Value jobDefaults) {
    ArrayNode steps = stage.putArray("steps");
    List<Value> list = v.list();
    boolean sharesFiles = list.stream().map(x -> x.get("run").map(Value::text).orElse(""))
        .anyMatch(r -> r != null && (r.contains("GITHUB_ENV") || r.contains("GITHUB_PATH")));
    for (int i = 0; i < list.size(); i++) {
      String p = path(at, i);
      Value step = list.get(i);
      if (step.get("run").isPresent()) runStep(p, step, steps, jobDefaults, sharesFiles);
      else if (step.get("uses").isPresent()) usesStep(p, step, steps, stage);
      else unsupported(p, step, "a step needs run: or uses:");
    }
    if (!v.isList()) unsupported(at, v, "steps must be a list");
  }

  /**
   * Text for the inside of a single-quoted shell word: each quote closed, escaped and reopened — except inside
   * {@code ${{ }}}, which the engine replaces before the shell reads the line (its quotes are the expression's own).
   */
  private static String quote(String s) {
    if (s == null) return "";
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < s.length()) {
      int open = s.indexOf("${{", at);
      int close = open < 0 ? -1 : s.indexOf("}}", open + 3);
      if (open < 0 || close < 0) {
        out.append(s.substring(at).replace("'", "'\\''"));
        break;
      }
      out.append(s.substring(at, open).replace("'", "'\\''")).append(s, open, close + 2);
      at = close + 2;
    }
    return out.toString();
  }

  /**
   * GitHub's files for steps, kept in the stage's workspace: $GITHUB_OUTPUT is the stage's $PIPELINE_OUTPUT (same
   * NAME=value lines), NAME=value lines in $GITHUB_ENV become variables of the later steps, lines of $GITHUB_PATH are
   * put on their PATH.
   */
  static final String GITHUB_FILES = "export GITHUB_WORKSPACE=\"${PIPELINE_WORKSPACE:-$PWD}\" GITHUB_OUTPUT=\"${PIPELINE_OUTPUT:-/dev/null}\""
      + " GITHUB_STEP_SUMMARY=/dev/null GITHUB_ENV=\"${PIPELINE_WORKSPACE:-$PWD}/.github-env\" GITHUB_PATH=\"${PIPELINE_WORKSPACE:-$PWD}/.github-path\"\n"
      + "touch \"$GITHUB_ENV\" \"$GITHUB_PATH\"\n"
      + "while IFS= read -r l; do case \"$l\" in [A-Za-z_]*=*) export \"$l\";; esac; done < \"$GITHUB_ENV\"\n"
      + "while IFS= read -r l; do [ -n \"$l\" ] && PATH=\"$l:$PATH\"; done < \"$GITHUB_PATH\"\n";

  private void runStep(String at, Value step, ArrayNode steps, Value jobDefaults, boolean sharesFiles) {
    ObjectNode s = JSON.createObjectNode();
    StringBuilder changed = new StringBuilder();
    String shell = step.get("shell").map(Value::text)
        .or(() -> Optional.ofNullable(jobDefaults).flatMap(d -> d.get("shell")).map(Value::text))
        .or(() -> Optional.ofNullable(workflowDefaults).flatMap(d -> d.get("shell")).map(Value::text)).orElse("");
    String original = Optional.ofNullable(step.get("run").get().text()).orElse("true");
    String script = Expressions.text(original, this::id, changed, true);
    String run = switch (shell) {
      case "", "bash" -> "bash " + (shell.isEmpty() ? "-e" : "--noprofile --norc -eo pipefail") + " -c '" + quote(script) + "'";
      case "sh" -> "sh -e -c '" + quote(script) + "'";
      case "python" -> "python3 -c '" + quote(script) + "'";
      default -> {
        if (shell.contains("{0}")) {
          changed.append("custom shell '").append(shell).append("' runs the script from a file; ");
          yield "f=$(mktemp) && printf '%s\\n' '" + quote(script) + "' > \"$f\" && " + shell.replace("{0}", "\"$f\"");
        }
        changed.append("shell '").append(shell).append("' replaced by bash; ");
        yield "bash -e -c '" + quote(script) + "'";
      }
    };
    if (sharesFiles || script.contains("GITHUB_")) {
      run = GITHUB_FILES + run;
      changed.append("$GITHUB_OUTPUT/ENV/PATH kept as files in the workspace; ");
    }
    // unnamed, the step is called what GitHub calls it: Run and the script's first line (not our shell wrapper)
    s.put("name", step.get("name").map(Value::text).orElseGet(() -> "Run " + original.strip().lines().findFirst().orElse("")));
    s.put("run", run);
    String guard = null;
    for (Map.Entry<String, Value> e : step.map().entrySet()) {
      String p = path(at, e.getKey());
      Value x = e.getValue();
      switch (e.getKey()) {
        case "name", "run", "shell" -> mapped(p, x);
        case "id" -> mapped(p, x, "steps are not addressed by id");
        case "env" -> s.set("env", env(p, x, true));
        case "working-directory" -> {
          StringBuilder exprs = new StringBuilder();
          s.put("workingDirectory", Expressions.text(x.text(), this::id, exprs, true));
          if (exprs.isEmpty()) mapped(p, x);
          else approx(p, x, exprs.toString());
        }
        case "timeout-minutes" -> {
          String d = minutes(x);
          if (d != null) s.put("timeout", d);
          if (d != null) mapped(p, x);
          else unsupported(p, x, "not a number of minutes");
        }
        case "if" -> {
          String cond = x.text() == null ? "" : x.text().trim();
          if (cond.startsWith("${{") && cond.endsWith("}}")) cond = cond.substring(3, cond.length() - 2).trim();
          Expressions.Translation t = Expressions.translate(cond, this::id, true);
          boolean status = cond.matches(".*\\b(success|failure|always|cancelled)\\(.*");
          if (cond.equals("success()")) {
            mapped(p, x, "steps run in order while the earlier ones succeed");
          } else if (status && t.text() != null) {
            // the step's own condition: the engine evaluates success(), failure(), always() and cancelled() against the job so far
            s.put("when", t.text());
            if (t.exact()) mapped(p, x, "as the step's when: " + t.text());
            else approx(p, x, "as the step's when: " + t.text());
          } else if (t.text() != null) {
            // the engine renders the condition into the command, which runs the step only when it is true
            guard = t.text();
            if (t.exact()) mapped(p, x, "as a guard around the command: " + t.text());
            else approx(p, x, "as a guard around the command: " + t.text());
          } else {
            approx(p, x, "the step always runs: " + t.problem() + " (" + cond + ")");
          }
        }
        case "continue-on-error" -> {
          if ("true".equals(x.text())) s.put("continueOnError", true);
          if ("true".equals(x.text()) || "false".equals(x.text())) mapped(p, x, "as the step's continueOnError");
          else unsupported(p, x, "continue-on-error by expression");
        }
        default -> { }
      }
    }
    if (guard != null) {
      // GitHub's truthiness: an empty string, false, 0 and null are false; any other value is true
      s.put("run", "if case \"${{ " + guard + " }}\" in ''|false|0|null) false ;; esac; then\n" + s.get("run").asText()
          + "\nelse echo 'skipped: " + guard.replace("'", "") + " is false'; fi");
    }
    if (!s.has("workingDirectory")) {
      Optional.ofNullable(jobDefaults).flatMap(d -> d.get("working-directory")).map(Value::text)
          .or(() -> Optional.ofNullable(workflowDefaults).flatMap(d -> d.get("working-directory")).map(Value::text))
          .ifPresent(w -> s.put("workingDirectory", Expressions.text(w, this::id, new StringBuilder(), true)));
    }
    if (!changed.isEmpty()) approx(path(at, "run") + " (expressions)", step.get("run").get(), changed.toString());
    steps.add(s);
  }

  /**
   * A download: the artifacts of the jobs this one needs are in its workspace where those jobs had them; a step copies
   * them to where GitHub puts them (under path, relative to what the upload named; one directory per artifact when no
   * name is given, unless merge-multiple).
   */
  private void download(String at, Value step, Map<String, Value> with, ArrayNode steps) {
    if (with.containsKey("run-id") || with.containsKey("repository")) {
      unsupported(at, step, "artifacts of another run or repository are not downloaded");
      return;
    }
    String dest = Optional.ofNullable(with.get("path")).map(Value::text).map(x -> Expressions.text(x, this::id, new StringBuilder(), true))
        .orElse(".");
    Optional<String> name = Optional.ofNullable(with.get("name")).map(Value::text);
    Optional<Pattern> pattern = Optional.ofNullable(with.get("pattern")).map(Value::text).map(GitHubActionsImporter::nameGlob);
    boolean merge = Optional.ofNullable(with.get("merge-multiple")).map(Value::text).filter("true"::equals).isPresent();
    List<Upload> chosen = uploads.stream().filter(u -> name.map(n -> n.equals(u.name()))
        .orElseGet(() -> pattern.map(g -> g.matcher(u.name().replaceAll("\\$\\{\\{.*?}}", "x")).matches()).orElse(true))).toList();
    Value needs = Optional.ofNullable(jobs.get(currentJob)).flatMap(j -> j.get("needs")).orElse(null);
    List<String> needed = needs == null ? List.of() : needs.isList() ? needs.texts() : List.of(needs.text());
    List<String> notNeeded = chosen.stream().map(Upload::job).filter(j -> !needed.contains(j)).distinct().toList();
    String what = name.map(n -> "artifact " + n).orElse("the artifacts");
    if (chosen.isEmpty()) {
      approx(at, step, what + " is not uploaded by a job of this workflow; the stage finds only the artifacts of the stages it needs");
      return;
    }
    if (!notNeeded.isEmpty()) {
      approx(at, step, what + " comes from " + notNeeded + ", which this job does not need: add them to needs to have the files here");
      return;
    }
    List<String> script = new ArrayList<>();
    for (Upload u : chosen) {
      boolean ownDirectory = name.isEmpty() && !merge;
      if (ownDirectory && u.name().contains("${{")) {
        approx(at, step, "the artifacts are in the workspace where their jobs had them, not in a directory per artifact name (" + u.name() + ")");
        return;
      }
      // what the producing job's steps wrote is, here, that stage's outputs
      List<String> paths = u.paths().stream().map(x -> EXPRESSION.matcher(x).replaceAll(m -> {
        Matcher o = STEP_OUTPUT_READ.matcher(m.group(1));
        while (o.find()) readOutputs.computeIfAbsent(id(u.job()), k -> new java.util.LinkedHashSet<>()).add(o.group(1));
        return Matcher.quoteReplacement("${{" + STEP_OUTPUT_READ.matcher(m.group(1)).replaceAll("stages." + id(u.job()) + ".outputs.$1") + "}}");
      })).toList();
      Optional<String> lines = GitHubArtifacts.placement(paths, ownDirectory ? (dest.equals(".") ? u.name() : dest + "/" + u.name()) : dest);
      if (lines.isEmpty()) {
        approx(at, step, what + " is in the workspace where " + u.job() + " had it; its paths " + u.paths() + " are beyond this reading of where GitHub puts them");
        return;
      }
      if (!lines.get().isEmpty()) script.add(lines.get());
    }
    if (script.isEmpty()) {
      mapped(at, step, "the files are already where GitHub puts them (" + dest + ")");
    } else {
      steps.addObject().put("name", "download " + name.orElse("artifacts")).put("run", String.join("\n", script));
      mapped(at, step, "a step copies the files to where GitHub puts them: under " + dest + ", relative to what the upload named");
    }
  }

  private static final Pattern STEP_OUTPUT_EXPRESSION = Pattern.compile("\\$\\{\\{[^}]*?\\bsteps\\.[A-Za-z0-9_-]+\\.outputs\\.[A-Za-z0-9_-]+[^}]*?}}");

  /** The text without its ${{ }} parts that read step outputs (each one named in {@code dropped}). */
  private static String withoutStepOutputs(String text, List<String> dropped) {
    Matcher m = STEP_OUTPUT_EXPRESSION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      dropped.add(m.group().replaceAll("^\\$\\{\\{\\s*|\\s*}}$", ""));
      m.appendReplacement(out, "");
    }
    return m.appendTail(out).toString();
  }

  private static final Pattern STEP_OUTPUT_READ = Pattern.compile("(?<![A-Za-z0-9_.])outputs\\.([A-Za-z0-9_-]+)");

  /** Step outputs of a stage that another stage reads (a download of an artifact whose path one names), by stage id. */
  private final Map<String, java.util.Set<String>> readOutputs = new java.util.LinkedHashMap<>();

  /** The outputs other stages read become outputs the stage declares. */
  private void declareReadOutputs() {
    for (var node : stages) {
      java.util.Set<String> names = readOutputs.get(node.path("id").asText());
      if (names == null) continue;
      ArrayNode outputs = ((ObjectNode) node).withArray("outputs");
      java.util.Set<String> have = new java.util.HashSet<>();
      outputs.forEach(o -> have.add(o.asText()));
      names.stream().filter(n -> !have.contains(n)).forEach(outputs::add);
    }
  }

  /** A download's pattern (minimatch on artifact names) as a regular expression: * and ? as in a glob. */
  private static Pattern nameGlob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') re.append(".*");
      else if (c == '?') re.append('.');
      else re.append(Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }

  private void usesStep(String at, Value step, ArrayNode steps, ObjectNode stage) {
    Value usesValue = step.get("uses").get();
    String uses = Optional.ofNullable(usesValue.text()).orElse("");
    String action = uses.replaceAll("@.*", "");
    Map<String, Value> with = step.get("with").map(Value::map).orElse(Map.of());
    String withPath = path(at, "with");
    switch (action) {
      case "actions/checkout" -> {
        Optional<String> repo = Optional.ofNullable(with.get("repository")).map(Value::text);
        if (repo.isPresent()) {
          String dir = Optional.ofNullable(with.get("path")).map(Value::text).orElse(repo.get().replaceAll(".*/", ""));
          steps.addObject().put("name", "checkout " + repo.get()).put("run", "git clone --depth 1 https://github.com/" + repo.get() + ".git " + dir);
          approx(at, step, "as a git clone of github.com/" + repo.get() + " into " + dir);
        } else {
          mapped(at, step, "the workspace is the checked-out repository (git-clone when run from a repository URL)");
        }
      }
      case "actions/cache", "actions/cache/restore", "actions/cache/save" -> {
        ObjectNode cache = JSON.createObjectNode();
        StringBuilder changed = new StringBuilder();
        // a cache is restored before the job's steps, when no step has written an output yet: those parts are left out
        List<String> dropped = new ArrayList<>();
        java.util.function.UnaryOperator<String> read = x -> Expressions.text(withoutStepOutputs(x, dropped), this::id, changed);
        Optional.ofNullable(with.get("key")).map(Value::text).ifPresent(k -> cache.put("key", read.apply(k)));
        Optional.ofNullable(with.get("path")).map(Value::text)
            .ifPresent(ps -> cache.set("paths", texts(ps.lines().map(String::trim).filter(x -> !x.isEmpty()).map(read).toList())));
        Optional.ofNullable(with.get("restore-keys")).map(Value::text)
            .ifPresent(rk -> cache.set("restoreKeys", texts(rk.lines().map(String::trim).filter(x -> !x.isEmpty()).map(read).toList())));
        if (!dropped.isEmpty()) {
          changed.append(String.join(", ", dropped)).append(" left out: the cache is restored before the job's steps, so no step output is known yet; ");
        }
        // actions/cache/restore only restores and actions/cache/save only saves: the cache's policy
        if (action.equals("actions/cache/restore")) cache.put("policy", "pull");
        if (action.equals("actions/cache/save")) cache.put("policy", "push");
        if (cache.has("key") && cache.has("paths")) {
          ArrayNode caches = stage.has("cache") ? (ArrayNode) stage.get("cache") : stage.putArray("cache");
          caches.add(cache);
          String what = switch (action) {
            case "actions/cache/restore" -> "as the stage's cache, restored before its steps and not saved (policy pull)";
            case "actions/cache/save" -> "as the stage's cache, saved after it succeeds and not restored (policy push)";
            default -> "as the stage's cache (restored before, saved after)";
          };
          if (changed.isEmpty()) mapped(at, step, what);
          else approx(at, step, what + "; " + changed);
        } else {
          unsupported(at, step, "a cache needs key and path");
        }
      }
      case "actions/upload-artifact" -> {
        // (step outputs in paths are read after the job's steps, when the engine stores the artifacts)
        List<String> paths = uploadPaths(with);
        if (paths.isEmpty()) {
          unsupported(at, step, "an upload needs path");
          break;
        }
        if (stage.has("artifacts")) {
          ArrayNode existing = (ArrayNode) stage.get("artifacts").get("paths");
          paths.forEach(existing::add);
          approx(at, step, "merged into the stage's one artifact set");
        } else {
          ObjectNode a = stage.putObject("artifacts");
          Optional.ofNullable(with.get("name")).map(Value::text).filter(n -> org.pipelinekit.core.model.Ids.isValid(n)).ifPresent(n -> a.put("name", n));
          a.set("paths", texts(paths));
          Optional.ofNullable(with.get("retention-days")).map(Value::text).filter(d -> d.matches("\\d+")).ifPresent(d -> a.put("retention", d + "d"));
          // an upload step that runs on failure (or always) stores the artifacts then too
          String cond = step.get("if").map(Value::text).orElse("");
          if (cond.contains("always()") || (cond.contains("failure()") && cond.contains("success()"))) a.put("when", "always");
          else if (cond.contains("failure()")) a.put("when", "on-failure");
          String when = a.path("when").asText("on-success").replace('-', ' ');
          if (cond.isEmpty() || a.has("when")) mapped(at, step, "as the stage's artifacts (stored " + (when.equals("always") ? "whatever the end" : "after it ends " + when.replace("on ", "in ")) + ")");
          else approx(at, step, "as the stage's artifacts, stored after it succeeds; the step's if: " + cond + " is not applied to them");
        }
      }
      case "actions/download-artifact" -> download(at, step, with, steps);
      default -> {
        ObjectNode s = steps.addObject();
        s.put("name", "uses " + uses);
        ObjectNode env = s.putObject("env");
        env.put("PIPELINEKIT_ACTION", uses);
        StringBuilder changed = new StringBuilder();
        with.forEach((k, x) -> env.put("INPUT_" + k.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_"),
            Expressions.text(scalarOrJson(x), this::id, changed)));
        s.put("run", "echo 'pipelinekit: action " + quote(uses) + " is not run locally (unsupported for local runs)' >&2");
        approx(at, step, "kept as an action step that is not run locally: it announces itself and succeeds; inputs as INPUT_* variables");
      }
    }
    if (step.get("with").isPresent() && !report.covers(at)) mapped(withPath, step.get("with").get());
  }
}
