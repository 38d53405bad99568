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

/**
 * Declarative Jenkinsfiles: {@code pipeline { agent, environment, options, parameters, triggers, stages, post }}, read
 * by a small block parser (the file is Groovy; only the declarative structure is interpreted, and every statement it
 * does not know is reported with its line); see {@link CiImport}.
 */
final class JenkinsImporter extends Importer {
  /** A statement: a name, its arguments as written (without parentheses), an optional block, and its line. */
  record Statement(String name, String args, List<Statement> block, int line) {}

  private JenkinsImporter(String source) {
    super("jenkins", source);
  }

  static ImportResult read(String text, String source) {
    List<Statement> top = new Parser(text, source).statements(false);
    Statement pipeline = top.stream().filter(s -> s.name().equals("pipeline") && s.block() != null).findFirst()
        .orElseThrow(() -> new ImportException(source, top.isEmpty() ? 1 : top.get(0).line(), 1,
            "not a declarative pipeline: there is no pipeline { ... } block (scripted pipelines are Groovy programs and are not imported)"));
    JenkinsImporter i = new JenkinsImporter(source);
    for (Statement s : top) if (s != pipeline) i.report(s.name(), s, ImportReport.Outcome.UNSUPPORTED, "Groovy outside pipeline { } is not run");
    i.pipeline(pipeline);
    return i.finish(new Value(Map.of(), 1, 1, null), "Jenkins");
  }

  private void report(String path, Statement s, ImportReport.Outcome o, String note) {
    report.add(path, s.line(), 1, o, note);
  }

  private final List<String> last = new ArrayList<>();
  private final ObjectNode pipelineEnv = JSON.createObjectNode();
  private String defaultImage;

  private void pipeline(Statement p) {
    for (Statement s : p.block()) {
      String at = path("pipeline", s.name());
      switch (s.name()) {
        case "agent" -> agent(at, s, null);
        case "environment" -> {
          env(at, s, pipelineEnv);
          doc.set("env", pipelineEnv);
        }
        case "options" -> {
          ObjectNode defaults = doc.putObject("defaults");
          options(at, s, defaults);
          // the pipeline's options { timeout } bounds the whole run, as Jenkins wraps the pipeline in it
          if (defaults.has("timeout")) doc.set("timeout", defaults.remove("timeout"));
        }
        case "parameters" -> parameters(at, s);
        case "triggers" -> triggers(at, s);
        case "stages" -> last.addAll(stages(at, s.block(), List.of(), null));
        case "post" -> post(at, s);
        case "tools", "libraries" -> report(at, s, ImportReport.Outcome.UNSUPPORTED, "Jenkins tool installations are not available: put the tools on the PATH or in an image");
        default -> report(at, s, ImportReport.Outcome.UNSUPPORTED, "'" + s.name() + "' is not a declarative section this importer knows");
      }
    }
    if (doc.has("defaults") && doc.get("defaults").isEmpty()) doc.remove("defaults");
  }

  private static final Pattern STRING = Pattern.compile("^\\s*(?:'''(.*?)'''|\"\"\"(.*?)\"\"\"|'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")", Pattern.DOTALL);
  private static final Pattern NAMED = Pattern.compile("(\\w+)\\s*:\\s*('''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|[\\w.]+)",
      Pattern.DOTALL);

  /** The first string literal of the arguments, or null. */
  static String string(String args) {
    Matcher m = STRING.matcher(args == null ? "" : args);
    if (!m.find()) return null;
    for (int g = 1; g <= 4; g++) if (m.group(g) != null) return unescape(m.group(g));
    return null;
  }

  /** A Groovy string literal's body as the string it is: {@code \\} is one backslash, {@code \'} a quote, {@code \n} a newline. */
  static String unescape(String body) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < body.length(); k++) {
      char c = body.charAt(k);
      if (c != '\\' || k + 1 >= body.length()) {
        out.append(c);
        continue;
      }
      char n = body.charAt(++k);
      switch (n) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case '\n' -> { } // a backslash at the end of a line joins it to the next
        case '$' -> out.append("\\$"); // an escaped GString dollar stays escaped: the shell reads it as a dollar
        default -> out.append(n); // \\ \' \" and any other escaped character
      }
    }
    return out.toString();
  }

  static Optional<String> named(String args, String name) {
    Matcher m = NAMED.matcher(args == null ? "" : args);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        String v = m.group(2);
        if (v.startsWith("'''") || v.startsWith("\"\"\"")) return Optional.of(unescape(v.substring(3, v.length() - 3)));
        return Optional.of(v.startsWith("'") || v.startsWith("\"") ? unescape(v.substring(1, v.length() - 1)) : v);
      }
    }
    return Optional.empty();
  }

  private void agent(String at, Statement s, ObjectNode stage) {
    String args = s.args() == null ? "" : s.args().trim();
    Optional<String> image = Optional.empty();
    if (s.block() != null) {
      for (Statement a : s.block()) {
        if (a.name().equals("docker")) {
          image = Optional.ofNullable(string(a.args())).or(() -> a.block() == null ? Optional.empty()
              : a.block().stream().filter(b -> b.name().equals("image")).findFirst().map(b -> string(b.args())));
        }
      }
    }
    if (image.isPresent()) {
      if (stage == null) defaultImage = image.get();
      else stage.put("image", image.get());
      report(at, s, ImportReport.Outcome.MAPPED, "the docker agent's image");
    } else if (args.equals("any") || args.equals("none")) {
      report(at, s, ImportReport.Outcome.MAPPED, "runs on this machine");
    } else {
      report(at, s, ImportReport.Outcome.APPROXIMATED, "runs on this machine: agent labels and nodes are not used");
    }
  }

  private void env(String at, Statement s, ObjectNode env) {
    boolean approx = false;
    for (Statement e : s.block() == null ? List.<Statement>of() : s.block()) {
      String raw = e.args() == null ? "" : e.args().replaceFirst("^\\s*=\\s*", "");
      String value = string(raw);
      if (value == null) {
        approx = true;
        value = "";
      }
      if (raw.contains("credentials(")) approx = true;
      env.put(e.name(), groovy(value));
    }
    report(at, s, approx ? ImportReport.Outcome.APPROXIMATED : ImportReport.Outcome.MAPPED,
        approx ? "values computed by Groovy or credentials() are left empty" : "");
  }

  /** Groovy's "${env.X}" and "${params.X}" in double-quoted strings, as the shell and PipelineKit read them. */
  static String groovy(String s) {
    return s.replaceAll("\\$\\{env\\.(\\w+)}", "\\${$1}").replaceAll("\\$\\{params\\.(\\w+)}", "\\${{ params.$1 }}")
        .replaceAll("\\$\\{BRANCH_NAME}", "\\${{ branch }}");
  }

  private void options(String at, Statement s, ObjectNode target) {
    for (Statement o : s.block() == null ? List.<Statement>of() : s.block()) {
      String p = path(at, o.name());
      switch (o.name()) {
        case "timeout" -> {
          // timeout(time: 1, unit: 'HOURS'), or timeout(140): minutes
          Optional<String> time = named(o.args(), "time")
              .or(() -> Optional.ofNullable(o.args()).map(String::trim).filter(a -> a.matches("\\d+")));
          String unit = named(o.args(), "unit").orElse("MINUTES").toLowerCase(java.util.Locale.ROOT);
          String d = time.map(t -> Shared.duration(t + " " + unit)).orElse(null);
          if (d != null) {
            target.put("timeout", d);
            report(p, o, ImportReport.Outcome.MAPPED, "");
          } else {
            report(p, o, ImportReport.Outcome.UNSUPPORTED, "timeout needs time: and unit:");
          }
        }
        case "retry" -> {
          Integer n = Shared.count(o.args() == null ? null : o.args().replaceAll("[^0-9]", ""));
          if (n != null && n > 1) {
            target.putObject("retry").put("limit", n - 1);
            report(p, o, ImportReport.Outcome.MAPPED, "retry(" + n + ") = " + (n - 1) + " retries after the first attempt");
          } else {
            report(p, o, ImportReport.Outcome.UNSUPPORTED, "retry needs a count from 2 to " + Shared.MAX_COUNT);
          }
        }
        case "skipDefaultCheckout" -> report(p, o, ImportReport.Outcome.MAPPED, "the workspace is the repository; nothing is checked out");
        case "timestamps", "ansiColor" -> report(p, o, ImportReport.Outcome.MAPPED, "log lines always carry times and keep colours");
        case "disableConcurrentBuilds" -> {
          doc.putObject("concurrency").put("group", doc.path("id").asText()).put("cancelInProgress", false);
          report(p, o, ImportReport.Outcome.MAPPED, "a concurrency group for the pipeline");
        }
        default -> report(p, o, ImportReport.Outcome.UNSUPPORTED, "option '" + o.name() + "' has no counterpart");
      }
    }
    report(at, s, ImportReport.Outcome.MAPPED, "");
  }

  private void parameters(String at, Statement s) {
    ArrayNode params = doc.putArray("parameters");
    for (Statement p : s.block() == null ? List.<Statement>of() : s.block()) {
      Optional<String> name = named(p.args(), "name");
      String type = switch (p.name()) {
        case "booleanParam" -> "boolean";
        case "choice" -> "choice";
        case "string", "text", "password" -> "string";
        default -> null;
      };
      if (name.isEmpty() || type == null) {
        report(path(at, p.name()), p, ImportReport.Outcome.UNSUPPORTED, "parameter kind '" + p.name() + "' is not known");
        continue;
      }
      ObjectNode o = params.addObject().put("name", name.get()).put("type", type);
      named(p.args(), "description").ifPresent(d -> o.put("description", d));
      if (type.equals("choice")) {
        Matcher m = Pattern.compile("choices\\s*:\\s*\\[(.*?)]").matcher(p.args());
        List<String> options = new ArrayList<>();
        if (m.find()) for (String c : m.group(1).split(",")) options.add(c.trim().replaceAll("^['\"]|['\"]$", ""));
        if (options.isEmpty()) o.put("type", "string");
        else o.set("options", texts(options));
      } else {
        named(p.args(), "defaultValue").ifPresent(d -> {
          if (type.equals("boolean")) o.put("default", Boolean.parseBoolean(d));
          else o.put("default", d);
        });
      }
      report(path(at, name.get()), p, ImportReport.Outcome.MAPPED, "");
    }
  }

  private void triggers(String at, Statement s) {
    ArrayNode triggers = doc.putArray("triggers");
    for (Statement t : s.block() == null ? List.<Statement>of() : s.block()) {
      String cron = string(t.args());
      if (t.name().equals("cron") && cron != null && !cron.contains("H")) {
        triggers.addObject().putObject("schedule").put("cron", cron.trim());
        report(path(at, "cron"), t, ImportReport.Outcome.MAPPED, "");
      } else if (t.name().equals("cron") && cron != null) {
        triggers.addObject().putObject("schedule").put("cron", cron.trim().replaceAll("\\bH(\\([^)]*\\))?", "0"));
        report(path(at, "cron"), t, ImportReport.Outcome.APPROXIMATED, "Jenkins' hashed H becomes 0");
      } else {
        report(path(at, t.name()), t, ImportReport.Outcome.UNSUPPORTED, "only cron triggers have a counterpart");
      }
    }
  }

  /** Stages in order, each needing the ones before; returns the last ones (what comes after needs). */
  private List<String> stages(String at, List<Statement> list, List<String> before, String condition) {
    List<String> previous = before;
    for (Statement s : list == null ? List.<Statement>of() : list) {
      String name = Optional.ofNullable(string(s.args())).orElse("stage");
      String p = path(at, name);
      if (!s.name().equals("stage") || s.block() == null) {
        report(p, s, ImportReport.Outcome.UNSUPPORTED, "expected stage('name') { ... }");
        continue;
      }
      previous = stage(p, name, s, previous, condition);
    }
    return previous;
  }

  private static final Pattern QUOTED = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"");

  /**
   * A declarative {@code matrix}: one stage whose jobs are the axes' combinations (each axis a variable of the job, as
   * Jenkins sets it), running the matrix's stages' steps in order; {@code excludes} are not applied.
   */
  private List<String> matrixStage(String at, String name, Statement matrix, List<String> needs, String condition) {
    ObjectNode stage = newStage(name, needs, condition);
    String id = stage.path("id").asText();
    ObjectNode axes = stage.putObject("matrix").putObject("axes");
    ObjectNode env = stage.putObject("env");
    ArrayNode steps = stage.putArray("steps");
    List<String> notApplied = new ArrayList<>();
    for (Statement x : matrix.block() == null ? List.<Statement>of() : matrix.block()) {
      String p = path(path(at, "matrix"), x.name());
      switch (x.name()) {
        case "axes" -> {
          for (Statement axis : x.block() == null ? List.<Statement>of() : x.block()) {
            String axisName = null;
            List<String> values = new ArrayList<>();
            for (Statement a : axis.block() == null ? List.<Statement>of() : axis.block()) {
              if (a.name().equals("name")) axisName = string(a.args());
              if (a.name().equals("values")) {
                Matcher m = QUOTED.matcher(a.args() == null ? "" : a.args());
                while (m.find()) values.add(unescape(m.group(1) != null ? m.group(1) : m.group(2)));
              }
            }
            if (axisName == null || values.isEmpty()) {
              report(path(p, "axis"), axis, ImportReport.Outcome.UNSUPPORTED, "an axis needs name and values");
              continue;
            }
            values.forEach(axes.withArray(axisName)::add);
            env.put(axisName, "${{ matrix." + axisName + " }}");
          }
          report(p, x, ImportReport.Outcome.MAPPED, "as the stage's matrix; each axis is a variable of its jobs");
        }
        case "stages" -> {
          for (Statement inner : x.block() == null ? List.<Statement>of() : x.block()) {
            String innerName = Optional.ofNullable(string(inner.args())).orElse("stage");
            for (Statement y : inner.block() == null ? List.<Statement>of() : inner.block()) {
              if (y.name().equals("steps")) steps(path(path(p, innerName), "steps"), y.block(), steps, stage, null, JSON.createObjectNode());
              else if (!y.name().equals("when")) notApplied.add(innerName + "." + y.name());
            }
          }
          report(p, x, ImportReport.Outcome.MAPPED, "each job runs the stages' steps in order");
        }
        case "agent" -> agent(p, x, stage);
        case "excludes" -> report(p, x, ImportReport.Outcome.APPROXIMATED, "excludes are not applied: every combination runs");
        default -> notApplied.add(x.name());
      }
    }
    if (!notApplied.isEmpty()) {
      report(path(at, "matrix"), matrix, ImportReport.Outcome.APPROXIMATED, notApplied + " inside the matrix are not applied");
    }
    if (axes.isEmpty()) stage.remove("matrix");
    if (env.isEmpty()) stage.remove("env");
    if (steps.isEmpty()) steps.addObject().put("run", "echo 'pipelinekit: the matrix has no steps' >&2; exit 1");
    return List.of(id);
  }

  /** A new stage of the pipeline: its own id (a second stage of one name gets another), needs, condition, the default image. */
  private ObjectNode newStage(String name, List<String> needs, String condition) {
    ObjectNode stage = stages.addObject();
    String id = hasStage(name) ? freshStageId(name) : stageId(name);
    stage.put("id", id);
    if (!id.equals(name)) stage.put("name", name);
    if (!needs.isEmpty()) stage.set("needs", texts(needs));
    if (condition != null) stage.put("when", condition);
    if (defaultImage != null) stage.put("image", defaultImage);
    return stage;
  }

  private List<String> stage(String at, String name, Statement s, List<String> needs, String outerCondition) {
    String condition = outerCondition;
    Statement parallel = null;
    Statement nested = null;
    Statement matrix = null;
    for (Statement x : s.block()) {
      if (x.name().equals("when")) condition = when(path(at, "when"), x, outerCondition);
      if (x.name().equals("parallel")) parallel = x;
      if (x.name().equals("stages")) nested = x;
      if (x.name().equals("matrix")) matrix = x;
    }
    if (matrix != null) return matrixStage(at, name, matrix, needs, condition);
    if (parallel != null) {
      List<String> ends = new ArrayList<>();
      for (Statement branch : parallel.block() == null ? List.<Statement>of() : parallel.block()) {
        String bn = Optional.ofNullable(string(branch.args())).orElse("branch");
        ends.addAll(stage(path(path(at, "parallel"), bn), bn, branch, needs, condition));
      }
      report(at, s, ImportReport.Outcome.MAPPED, "parallel branches are stages that need the same stages");
      return ends;
    }
    if (nested != null) {
      report(at, s, ImportReport.Outcome.MAPPED, "nested stages in order");
      return stages(path(at, "stages"), nested.block(), needs, condition);
    }
    ObjectNode stage = newStage(name, needs, condition);
    String id = stage.path("id").asText();
    ArrayNode steps = stage.putArray("steps");
    for (Statement x : s.block()) {
      String p = path(at, x.name());
      switch (x.name()) {
        case "when", "parallel", "stages" -> { }
        case "agent" -> agent(p, x, stage);
        case "environment" -> {
          ObjectNode env = JSON.createObjectNode();
          env(p, x, env);
          stage.set("env", env);
        }
        case "options" -> {
          ObjectNode o = JSON.createObjectNode();
          options(p, x, o);
          if (o.has("timeout")) stage.put("timeout", o.get("timeout").asText());
          if (o.has("retry")) stage.set("retry", o.get("retry"));
        }
        case "steps" -> steps(p, x.block(), steps, stage, null, JSON.createObjectNode());
        case "post" -> {
          for (Statement cond : x.block() == null ? List.<Statement>of() : x.block()) {
            String when = switch (cond.name()) {
              case "always", "cleanup" -> "always()";
              case "failure", "unsuccessful" -> "failure()";
              case "aborted" -> "cancelled()";
              case "success" -> "";
              default -> null;
            };
            String cp = path(p, cond.name());
            if (when == null) {
              report(cp, cond, ImportReport.Outcome.UNSUPPORTED, "post condition '" + cond.name() + "' has no counterpart in a job");
              continue;
            }
            int from = steps.size();
            steps(cp, cond.block(), steps, stage, null, JSON.createObjectNode());
            for (int i = from; i < steps.size(); i++) {
              if (!when.isEmpty() && steps.get(i) instanceof ObjectNode step) step.put("when", when);
            }
            report(cp, cond, ImportReport.Outcome.MAPPED, when.isEmpty() ? "steps after the stage's own, while all succeeded"
                : "steps after the stage's own with when: " + when);
          }
        }
        case "input" -> {
          stage.putObject("approval").putArray("approvers").add(named(x.args(), "submitter").orElse("maintainers"));
          report(p, x, ImportReport.Outcome.APPROXIMATED, "an input becomes an approval (its parameters are not asked)");
        }
        case "tools" -> report(p, x, ImportReport.Outcome.UNSUPPORTED, "Jenkins tool installations are not available");
        default -> report(p, x, ImportReport.Outcome.UNSUPPORTED, "'" + x.name() + "' is not a stage directive this importer knows");
      }
    }
    if (steps.isEmpty()) steps.addObject().put("run", "true");
    return List.of(id);
  }

  private String when(String at, Statement w, String outer) {
    List<String> conds = new ArrayList<>();
    boolean exact = true;
    for (Statement c : w.block() == null ? List.<Statement>of() : w.block()) {
      String arg = string(c.args());
      switch (c.name()) {
        case "branch" -> {
          if (arg != null) conds.add(Shared.branchCondition(arg, "branch"));
          exact &= arg != null && (!arg.contains("*") || arg.indexOf('*') == arg.length() - 1);
        }
        case "buildingTag", "tag" -> conds.add(arg == null ? "tag != ''" : Shared.branchCondition(arg, "tag"));
        case "changeRequest" -> conds.add("trigger.kind == 'pull-request'");
        case "environment" -> {
          Optional<String> name = named(c.args(), "name");
          Optional<String> value = named(c.args(), "value");
          if (name.isPresent() && value.isPresent()) conds.add("env." + name.get() + " == '" + value.get().replace("'", "") + "'");
          else exact = false;
        }
        default -> exact = false;
      }
    }
    String c = conds.isEmpty() ? null : String.join(" && ", conds);
    report(at, w, exact ? ImportReport.Outcome.MAPPED : ImportReport.Outcome.APPROXIMATED,
        (c == null ? "no condition kept" : "as when: " + c) + (exact ? "" : " (expression, anyOf/not and other conditions are not applied)"));
    if (c == null) return outer;
    return outer == null ? c : "(" + outer + ") && " + c;
  }

  private void steps(String at, List<Statement> list, ArrayNode steps, ObjectNode stage, String dir, ObjectNode env) {
    int i = 0;
    for (Statement x : list == null ? List.<Statement>of() : list) {
      String p = path(at, i++) + "." + x.name();
      switch (x.name()) {
        case "sh", "bat", "powershell", "pwsh" -> {
          String script = Optional.ofNullable(named(x.args(), "script").orElse(null)).orElse(string(x.args()));
          if (script == null) {
            report(p, x, ImportReport.Outcome.UNSUPPORTED, "a command built by Groovy is not read");
            continue;
          }
          ObjectNode s = steps.addObject().put("run", groovy(script));
          if (dir != null) s.put("workingDirectory", dir);
          if (!env.isEmpty()) s.set("env", env.deepCopy());
          boolean changed = !groovy(script).equals(script);
          report(p, x, x.name().equals("sh") && !changed ? ImportReport.Outcome.MAPPED : ImportReport.Outcome.APPROXIMATED,
              x.name().equals("sh") ? (changed ? "Groovy interpolation translated" : "") : "run with /bin/sh");
        }
        case "echo" -> {
          String text = string(x.args());
          steps.addObject().put("run", "echo '" + (text == null ? "" : groovy(text).replace("'", "'\\''")) + "'");
          report(p, x, ImportReport.Outcome.MAPPED, "");
        }
        case "dir" -> {
          String d = string(x.args());
          steps(p, x.block(), steps, stage, dir == null ? d : dir + "/" + d, env);
          report(p, x, ImportReport.Outcome.MAPPED, "as the steps' working directory");
        }
        case "withEnv" -> {
          ObjectNode inner = env.deepCopy();
          Matcher m = Pattern.compile("['\"](\\w+)=([^'\"]*)['\"]").matcher(x.args() == null ? "" : x.args());
          while (m.find()) inner.put(m.group(1), groovy(m.group(2)));
          steps(p, x.block(), steps, stage, dir, inner);
          report(p, x, ImportReport.Outcome.APPROXIMATED, "literal NAME=value pairs kept; computed ones are not");
        }
        case "timeout", "retry", "catchError", "warnError", "lock", "withCredentials", "ansiColor", "timestamps", "container", "node" -> {
          steps(p, x.block(), steps, stage, dir, env);
          report(p, x, ImportReport.Outcome.APPROXIMATED, "its steps are kept; '" + x.name() + "' itself is not applied");
        }
        case "checkout" -> report(p, x, ImportReport.Outcome.MAPPED, "the workspace is the repository");
        case "archiveArtifacts" -> {
          String paths = named(x.args(), "artifacts").orElse(string(x.args()));
          if (paths != null) {
            stage.putObject("artifacts").set("paths", texts(List.of(paths.split("\\s*,\\s*"))));
            report(p, x, ImportReport.Outcome.MAPPED, "as the stage's artifacts");
          } else {
            report(p, x, ImportReport.Outcome.UNSUPPORTED, "archiveArtifacts needs artifacts:");
          }
        }
        case "junit" -> report(p, x, ImportReport.Outcome.APPROXIMATED, "test reports are read by unit-tests stages, not by a step");
        case "script" -> report(p, x, ImportReport.Outcome.UNSUPPORTED, "Groovy script blocks are not run");
        default -> report(p, x, ImportReport.Outcome.UNSUPPORTED, "step '" + x.name() + "' (a Jenkins plugin or Groovy call) has no counterpart");
      }
    }
  }

  private void post(String at, Statement s) {
    for (Statement cond : s.block() == null ? List.<Statement>of() : s.block()) {
      String when = switch (cond.name()) {
        case "always", "cleanup" -> "always()";
        case "success" -> "success()";
        case "failure", "unsuccessful" -> "failure()";
        case "aborted" -> "cancelled()";
        default -> null;
      };
      String p = path(at, cond.name());
      if (when == null || cond.block() == null) {
        report(p, cond, ImportReport.Outcome.UNSUPPORTED, "post condition '" + cond.name() + "' has no counterpart");
        continue;
      }
      ObjectNode stage = stages.addObject();
      stage.put("id", stageId("post-" + cond.name()));
      if (!last.isEmpty()) stage.set("needs", texts(last));
      stage.put("when", when);
      ArrayNode steps = stage.putArray("steps");
      steps(p, cond.block(), steps, stage, null, JSON.createObjectNode());
      if (steps.isEmpty()) steps.addObject().put("run", "true");
      report(p, cond, cond.name().equals("unstable") || cond.name().equals("changed") ? ImportReport.Outcome.APPROXIMATED
          : ImportReport.Outcome.MAPPED, "a stage after the last ones, when " + when);
    }
  }

  /** Groovy's surface: comments, strings, brackets; statements are a name, arguments to the end of the line or ')', and a block. */
  static final class Parser {
    private final String s;
    private final String source;
    private int i;
    private int line = 1;

    Parser(String text, String source) {
      this.s = text;
      this.source = source;
    }

    List<Statement> statements(boolean inBlock) {
      List<Statement> out = new ArrayList<>();
      while (true) {
        skipSpace(true);
        if (i >= s.length()) {
          if (inBlock) throw new ImportException(source, line, 1, "a '{' is never closed");
          return out;
        }
        char c = s.charAt(i);
        if (c == '}') {
          if (!inBlock) throw new ImportException(source, line, 1, "a '}' closes nothing");
          i++;
          return out;
        }
        if (c == ';') {
          i++;
          continue;
        }
        int at = line;
        int start = i;
        while (i < s.length() && (Character.isJavaIdentifierPart(s.charAt(i)) || s.charAt(i) == '.')) i++;
        String name = s.substring(start, i);
        if (name.isEmpty()) {
          // something that is not a statement (an expression): skip to the end of the line
          String rest = rawUntilLineEnd();
          out.add(new Statement(rest.isBlank() ? String.valueOf(c) : rest.trim(), null, null, at));
          if (i < s.length() && s.charAt(i) == '{') {
            i++;
            statements(true);
          }
          continue;
        }
        skipSpace(false);
        String args = null;
        if (i < s.length() && s.charAt(i) == '(') {
          int open = i;
          skipBalanced('(', ')');
          args = s.substring(open + 1, i - 1);
          skipSpace(false);
        } else if (i < s.length() && s.charAt(i) != '{' && s.charAt(i) != '\n' && s.charAt(i) != '}' && s.charAt(i) != ';') {
          args = rawUntilLineEnd();
        }
        List<Statement> block = null;
        skipSpace(false);
        if (i < s.length() && s.charAt(i) == '{') {
          i++;
          block = statements(true);
        }
        out.add(new Statement(name, args, block, at));
      }
    }

    private String rawUntilLineEnd() {
      int start = i;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\n' || c == '}' || c == ';') break;
        if (c == '{' ) break;
        if (s.startsWith("//", i)) break; // a comment to the end of the line (an apostrophe in it opens no string)
        if (s.startsWith("/*", i)) {
          skipComment();
          continue;
        }
        if (c == '\'' || c == '"') {
          skipString();
          continue;
        }
        if (c == '(' || c == '[') {
          skipBalanced(c, c == '(' ? ')' : ']');
          continue;
        }
        i++;
      }
      return s.substring(start, i);
    }

    private void skipBalanced(char open, char close) {
      int depth = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (s.startsWith("//", i)) {
          while (i < s.length() && s.charAt(i) != '\n') i++;
          continue;
        }
        if (s.startsWith("/*", i)) {
          skipComment();
          continue;
        }
        if (c == '\'' || c == '"') {
          skipString();
          continue;
        }
        if (c == '\n') line++;
        if (c == open) depth++;
        else if (c == close && --depth == 0) {
          i++;
          return;
        }
        i++;
      }
      throw new ImportException(source, line, 1, "a '" + open + "' is never closed");
    }

    private void skipString() {
      char q = s.charAt(i);
      boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
      int startLine = line;
      i += triple ? 3 : 1;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\n') line++;
        if (c == '\\') {
          i += 2;
          continue;
        }
        if (triple ? s.startsWith(String.valueOf(q).repeat(3), i) : c == q) {
          i += triple ? 3 : 1;
          return;
        }
        if (!triple && c == '\n') throw new ImportException(source, startLine, 1, "a string is never closed on its line");
        i++;
      }
      if (i >= s.length()) throw new ImportException(source, startLine, 1, "a string is never closed");
    }

    private void skipComment() {
      int end = s.indexOf("*/", i + 2);
      int stop = end < 0 ? s.length() : end + 2;
      for (int k = i; k < stop; k++) if (s.charAt(k) == '\n') line++;
      i = stop;
    }

    private void skipSpace(boolean newlines) {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\n') {
          if (!newlines) return;
          line++;
          i++;
        } else if (Character.isWhitespace(c)) {
          i++;
        } else if (s.startsWith("//", i)) {
          while (i < s.length() && s.charAt(i) != '\n') i++;
        } else if (s.startsWith("/*", i)) {
          skipComment();
        } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i += 2;
          line++;
        } else {
          return;
        }
      }
    }
  }
}
