package org.pipelinekit.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.imports.YamlTree.Value;

/**
 * Bitbucket Pipelines: every pipeline of the file (default, branches, pull-requests, tags, custom) becomes a group of
 * stages in order, guarded by a condition on the branch, tag or the {@code pipeline} parameter; see {@link CiImport}.
 */
final class BitbucketImporter extends Importer {
  private Map<String, Value> cacheDefinitions = Map.of();
  private Optional<String> image = Optional.empty();
  private final List<String> customNames = new ArrayList<>();

  private BitbucketImporter(String source) {
    super("bitbucket", source);
  }

  static ImportResult read(String text, String source) {
    List<String> notes = new ArrayList<>();
    List<Value> docs = YamlTree.read(text, source, notes);
    if (docs.isEmpty() || !docs.get(0).isMap() || docs.get(0).get("pipelines").isEmpty()) {
      Value at = docs.isEmpty() ? null : docs.get(0);
      throw new ImportException(source, at == null ? 1 : at.line(), at == null ? 1 : at.column(),
          "a Bitbucket Pipelines file needs pipelines: (default, branches, pull-requests, tags or custom)");
    }
    Value root = docs.get(0);
    BitbucketImporter i = new BitbucketImporter(source);
    notes.forEach(n -> i.report.add("(yaml)", 0, 0, ImportReport.Outcome.APPROXIMATED, n));
    i.file(root);
    return i.finish(root, "Bitbucket Pipelines");
  }

  private void file(Value root) {
    root.get("image").ifPresent(v -> {
      image = v.isText() ? Optional.of(v.text()) : v.get("name").map(Value::text);
      mapped("image", v, "the image of every step that names none");
    });
    root.get("definitions").ifPresent(d -> {
      d.get("caches").ifPresent(c -> {
        cacheDefinitions = c.map();
        mapped(path("definitions", "caches"), c, "custom caches by name");
      });
      d.get("services").ifPresent(s -> unsupported(path("definitions", "services"), s, "service containers are started only by integration-tests stages"));
      d.get("steps").ifPresent(s -> mapped(path("definitions", "steps"), s, "step templates (used through YAML anchors)"));
    });
    root.get("options").ifPresent(o -> approx("options", o, "global options (max-time, size, docker) are not applied"));
    root.get("clone").ifPresent(o -> approx("clone", o, "the workspace is the repository; clone settings are not used"));
    Value pipelines = root.get("pipelines").get();
    // a run started for a custom pipeline runs that one only: the others wait for no pipeline to be chosen
    boolean custom = pipelines.get("custom").filter(Value::isMap).map(c -> !c.map().isEmpty()).orElse(false);
    String none = custom ? "params.pipeline == ''" : null;
    for (Map.Entry<String, Value> e : pipelines.map().entrySet()) {
      String kind = e.getKey();
      String p = path("pipelines", kind);
      Value v = e.getValue();
      switch (kind) {
        case "default" -> {
          group(p, "default", v, none);
          approx(p, v, "runs for every branch (Bitbucket runs it only where no branch pipeline matches)");
        }
        case "branches", "pull-requests", "tags" -> {
          for (Map.Entry<String, Value> b : v.map().entrySet()) {
            String variable = kind.equals("tags") ? "tag" : "branch";
            String condition = Shared.branchCondition(b.getKey(), variable);
            if (kind.equals("pull-requests")) condition = "trigger.kind == 'pull-request' && " + condition;
            if (none != null) condition = none + " && (" + condition + ")";
            group(path(p, b.getKey()), kind + "-" + b.getKey(), b.getValue(), condition);
            boolean exact = !b.getKey().contains("*") || b.getKey().endsWith("*") && b.getKey().indexOf('*') == b.getKey().length() - 1
                || b.getKey().equals("**");
            if (exact) mapped(path(p, b.getKey()), b.getValue(), "when: " + condition);
            else approx(path(p, b.getKey()), b.getValue(), "glob as a prefix: when: " + condition);
          }
        }
        case "custom" -> {
          for (Map.Entry<String, Value> c : v.map().entrySet()) {
            customNames.add(c.getKey());
            group(path(p, c.getKey()), "custom-" + c.getKey(), c.getValue(), "params.pipeline == '" + c.getKey().replace("'", "") + "'");
            mapped(path(p, c.getKey()), c.getValue(), "run with the parameter pipeline=" + c.getKey());
          }
        }
        default -> unsupported(p, v, "not a kind of pipeline");
      }
    }
    if (!customNames.isEmpty()) {
      ObjectNode param = (doc.has("parameters") ? (ArrayNode) doc.get("parameters") : doc.putArray("parameters")).insertObject(0);
      param.put("name", "pipeline").put("type", "string").put("default", "")
          .put("description", "a custom pipeline to run: " + String.join(", ", customNames));
    }
  }

  /** A pipeline's steps as stages, each needing the one before; a parallel block's stages need what came before it. */
  /** The variables the pipeline being read declares (a custom pipeline's), for its steps' environment. */
  private ObjectNode groupEnv = JSON.createObjectNode();

  private void group(String at, String prefix, Value steps, String condition) {
    groupEnv = JSON.createObjectNode();
    List<String> previous = new ArrayList<>();
    List<Value> items = steps.list();
    for (int i = 0; i < items.size(); i++) {
      Value item = items.get(i);
      String p = path(at, i);
      if (item.get("variables").isPresent()) {
        // a custom pipeline's variables: the run's parameters, in every step's environment
        for (Value var : item.get("variables").get().list()) {
          Optional<String> name = var.get("name").map(Value::text);
          if (name.isEmpty() || !org.pipelinekit.core.model.Parameter.isValidName(name.get())) {
            unsupported(path(p, "variables"), var, "a variable needs a name of letters, digits and _");
            continue;
          }
          List<String> allowed = var.get("allowed-values").map(Value::texts).orElse(List.of());
          ArrayNode params = doc.has("parameters") ? (ArrayNode) doc.get("parameters") : doc.putArray("parameters");
          boolean known = false;
          for (var existing : params) known |= existing.path("name").asText().equals(name.get());
          if (!known) {
            ObjectNode param = params.addObject().put("name", name.get()).put("type", allowed.isEmpty() ? "string" : "choice")
                .put("default", var.get("default").map(Value::text).orElse(""));
            if (!allowed.isEmpty()) allowed.forEach(param.withArray("options")::add);
            var.get("description").map(Value::text).ifPresent(d -> param.put("description", d));
          }
          groupEnv.put(name.get(), "${{ params." + name.get() + " }}");
        }
        mapped(path(p, "variables"), item.get("variables").get(), "parameters of the run (-p NAME=value), in the steps' environment");
      } else if (item.get("step").isPresent()) {
        String id = step(path(p, "step"), prefix + "-" + (i + 1), item.get("step").get(), previous, condition);
        previous = List.of(id);
      } else if (item.get("parallel").isPresent()) {
        Value par = item.get("parallel").get();
        List<Value> inner = par.isList() ? par.list() : par.get("steps").map(Value::list).orElse(List.of());
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < inner.size(); k++) {
          Value s = inner.get(k).get("step").orElse(null);
          if (s != null) ids.add(step(path(path(p, "parallel"), k) + ".step", prefix + "-" + (i + 1) + "-" + (k + 1), s, previous, condition));
        }
        mapped(path(p, "parallel"), par, "stages that need the same stages run side by side");
        previous = ids;
      } else if (item.get("stage").isPresent()) {
        Value st = item.get("stage").get();
        List<Value> inner = st.get("steps").map(Value::list).orElse(List.of());
        for (int k = 0; k < inner.size(); k++) {
          Value s = inner.get(k).get("step").orElse(null);
          if (s != null) previous = List.of(step(path(path(p, "stage"), "steps") + "[" + k + "].step", prefix + "-" + (i + 1) + "-" + (k + 1), s, previous, condition));
        }
        approx(path(p, "stage"), st, "a stage's steps run in order; its deployment/trigger are not applied");
      } else {
        unsupported(p, item, "expected step:, parallel: or stage:");
      }
    }
  }

  private String step(String at, String fallbackName, Value step, List<String> needs, String condition) {
    String name = step.get("name").map(Value::text).orElse(fallbackName);
    String id = stageId(fallbackName + (step.get("name").isPresent() ? "-" + name : ""));
    ObjectNode stage = stages.addObject();
    stage.put("id", id);
    stage.put("name", name);
    if (!needs.isEmpty()) stage.set("needs", texts(needs));
    if (condition != null) stage.put("when", condition);
    if (!groupEnv.isEmpty()) stage.set("env", groupEnv.deepCopy());
    image.ifPresent(img -> stage.put("image", img));
    List<String> script = new ArrayList<>();
    List<String> after = new ArrayList<>();
    for (Map.Entry<String, Value> e : step.map().entrySet()) {
      String p = path(at, e.getKey());
      Value v = e.getValue();
      switch (e.getKey()) {
        case "name" -> mapped(p, v);
        case "script" -> {
          boolean pipes = false;
          for (Value line : v.list()) {
            if (line.isText()) script.add(line.text());
            else if (line.get("pipe").isPresent()) {
              pipes = true;
              script.add("echo 'pipelinekit: pipe " + Optional.ofNullable(line.get("pipe").get().text()).orElse("").replace("'", "")
                  + " is not run locally' >&2");
            }
          }
          if (pipes) approx(p, v, "pipes are not run locally: they announce themselves");
          else mapped(p, v, "one step run with sh -e");
        }
        case "after-script" -> {
          after.addAll(Shared.lines(v));
          approx(p, v, "a second step that runs only when the script succeeded");
        }
        case "image" -> {
          Optional<String> img = v.isText() ? Optional.of(v.text()) : v.get("name").map(Value::text);
          img.ifPresent(x -> stage.put("image", x));
          mapped(p, v);
        }
        case "caches" -> {
          ArrayNode caches = JSON.createArrayNode();
          for (String c : v.texts()) {
            String pathFor = switch (c) {
              case "node" -> "node_modules";
              case "maven" -> "~/.m2/repository";
              case "gradle" -> "~/.gradle/caches";
              case "pip" -> "~/.cache/pip";
              case "composer" -> "~/.composer/cache";
              case "dotnetcore" -> "~/.nuget/packages";
              case "sbt" -> "~/.sbt";
              case "ivy2" -> "~/.ivy2/cache";
              default -> null;
            };
            Value def = cacheDefinitions.get(c);
            if (def != null) {
              String defPath = def.isText() ? def.text() : def.get("path").map(Value::text).orElse(null);
              List<String> files = def.get("key").flatMap(k -> k.get("files")).map(Value::texts).orElse(List.of());
              if (defPath != null) {
                ObjectNode cache = caches.addObject();
                cache.put("key", c + (files.isEmpty() ? "" : "-${{ hashFiles(" + String.join(", ", files.stream().map(f -> "'" + f + "'").toList()) + ") }}"));
                cache.set("paths", texts(List.of(defPath)));
              }
            } else if (pathFor != null) {
              caches.addObject().put("key", c).set("paths", texts(List.of(pathFor)));
            }
          }
          if (!caches.isEmpty()) stage.set("cache", caches);
          if (caches.size() == v.texts().size()) mapped(p, v, "predefined and defined caches by path");
          else approx(p, v, "the docker cache and unknown caches are not kept");
        }
        case "artifacts" -> {
          List<String> paths = v.isList() ? v.texts() : v.get("paths").map(Value::texts).orElse(List.of());
          if (!paths.isEmpty()) stage.putObject("artifacts").set("paths", texts(paths));
          if (paths.isEmpty()) unsupported(p, v, "artifacts need paths");
          else if (v.isList()) mapped(p, v);
          else approx(p, v, "paths kept; download/upload options are not");
        }
        case "services" -> unsupported(p, v, "service containers are started only by integration-tests stages");
        case "deployment" -> {
          stage.put("environment", v.text());
          mapped(p, v, "as the stage's environment");
        }
        case "trigger" -> {
          if ("manual".equals(v.text())) {
            stage.putObject("approval").putArray("approvers").add("maintainers");
            approx(p, v, "a manual step becomes an approval by 'maintainers' (change the approvers)");
          } else {
            mapped(p, v);
          }
        }
        case "max-time" -> {
          String d = minutes(v);
          if (d != null) stage.put("timeout", d);
          if (d != null) mapped(p, v);
          else unsupported(p, v, "not a number of minutes");
        }
        case "size", "runs-on", "runtime" -> approx(p, v, "runs on this machine: runner size and labels are not used");
        case "condition" -> approx(p, v, "changesets conditions are not applied: the step always runs");
        case "oidc", "clone", "fail-fast", "output-variables" -> unsupported(p, v, "'" + e.getKey() + "' has no counterpart");
        default -> { }
      }
    }
    ArrayNode steps = stage.putArray("steps");
    steps.addObject().put("name", "script").put("run", script.isEmpty() ? "true" : Shared.script(script));
    if (!after.isEmpty()) steps.addObject().put("name", "after-script").put("run", Shared.script(after));
    return id;
  }
}
