package org.pipelinekit.templates.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.templates.ComponentUse;
import org.pipelinekit.templates.Sharing;
import org.pipelinekit.templates.Template;
import org.pipelinekit.templates.TemplateParameter;
import org.pipelinekit.templates.TemplateSource.TemplateFiles;

/** Reads a template folder ({@code template.yaml} and its body) into a {@link Template}, collecting every problem. */
public final class TemplateReader {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS = Set.of("pipelinekit-template", "id", "kind", "name", "category", "description", "version",
      "sharing", "parameters", "include");
  private static final Set<String> PARAM_KEYS = Set.of("name", "type", "default", "description", "required", "options", "pattern",
      "min", "max");

  private final TemplateFiles files;
  private final List<String> problems = new ArrayList<>();

  private TemplateReader(TemplateFiles files) {
    this.files = files;
  }

  /** The template, or the problems (each prefixed with the folder and file) added to {@code out}. */
  public static Optional<Template> read(TemplateFiles files, List<String> out) {
    TemplateReader r = new TemplateReader(files);
    Optional<Template> t = r.read();
    out.addAll(r.problems);
    return r.problems.isEmpty() ? t : Optional.empty();
  }

  private void problem(String path, String message) {
    problems.add(files.location() + "/template.yaml: " + (path.isEmpty() ? "" : path + ": ") + message);
  }

  @SuppressWarnings("unchecked")
  private Optional<Template> read() {
    Map<String, Object> meta;
    try {
      Object parsed = YAML.readValue(files.templateYaml(), Object.class);
      if (!(parsed instanceof Map<?, ?> m)) {
        problem("", "must be a map of template settings");
        return Optional.empty();
      }
      meta = (Map<String, Object>) m;
    } catch (IOException e) {
      problems.add(files.location() + "/template.yaml: " + e.getMessage().lines().findFirst().orElse(""));
      return Optional.empty();
    }
    for (String k : meta.keySet()) {
      if (!KEYS.contains(k)) problem(k, "unknown key; the keys here are " + new java.util.TreeSet<>(KEYS));
    }
    String id = text(meta, "id", true);
    if (id != null && !Ids.isValid(id)) problem("id", "'" + id + "' is not a valid id: use lower-case letters, digits, _ and -");
    String kind = Optional.ofNullable(text(meta, "kind", false)).orElse("template");
    if (!kind.equals("template") && !kind.equals("component")) problem("kind", "'" + kind + "' is neither template nor component");
    String version = text(meta, "version", true);
    if (version != null && !version.matches("\\d+(\\.\\d+){0,2}([-+][0-9A-Za-z.-]+)?")) {
      problem("version", "'" + version + "' is not a version; write it like 1.4.0");
    }
    List<TemplateParameter> params = parameters(meta.get("parameters"));
    List<ComponentUse> includes = includes(meta.get("include"));
    Sharing sharing = sharing(meta.get("sharing"));
    Map<String, Object> body = body(id);
    if (!problems.isEmpty()) return Optional.empty();
    return Optional.of(new Template(id, Optional.ofNullable(text(meta, "name", false)).orElse(id),
        Optional.ofNullable(text(meta, "category", false)).orElse("general"), Optional.ofNullable(text(meta, "description", false)).orElse(""),
        version, params, includes, body, sharing, kind.equals("component"), files.location()));
  }

  private String text(Map<String, Object> m, String key, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) problem(key, "is required");
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      problem(key, "must be text");
      return null;
    }
    return String.valueOf(v);
  }

  @SuppressWarnings("unchecked")
  private List<TemplateParameter> parameters(Object node) {
    List<TemplateParameter> out = new ArrayList<>();
    if (node == null) return out;
    if (!(node instanceof List<?> list)) {
      problem("parameters", "must be a list");
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String path = "parameters[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> raw)) {
        problem(path, "must be a map with name and type");
        continue;
      }
      Map<String, Object> p = (Map<String, Object>) raw;
      p.keySet().stream().filter(k -> !PARAM_KEYS.contains(k)).forEach(k -> problem(path + "." + k, "unknown key; the keys here are "
          + new java.util.TreeSet<>(PARAM_KEYS)));
      String name = text(p, "name", true);
      if (name == null) continue;
      TemplateParameter.Type type = TemplateParameter.Type.STRING;
      if (p.get("type") != null) {
        try {
          type = TemplateParameter.Type.valueOf(String.valueOf(p.get("type")).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          problem(path + ".type", "'" + p.get("type") + "' is not a parameter type; use string, number, boolean, choice or list");
          continue;
        }
      }
      List<String> options = new ArrayList<>();
      if (p.get("options") instanceof List<?> o) o.forEach(x -> options.add(String.valueOf(x)));
      if (type == TemplateParameter.Type.CHOICE && options.isEmpty()) problem(path + ".options", "a choice needs options");
      TemplateParameter param = new TemplateParameter(name, type, Optional.ofNullable(p.get("default")),
          Optional.ofNullable(p.get("description")).map(String::valueOf).orElse(""), Boolean.TRUE.equals(p.get("required")), options,
          Optional.ofNullable(p.get("pattern")).map(String::valueOf), number(p.get("min")), number(p.get("max")));
      param.defaultValue().ifPresent(d -> Values.check(param, d).ifPresent(msg -> problem(path + ".default", msg)));
      if (out.stream().anyMatch(x -> x.name().equals(name))) problem(path + ".name", "parameter '" + name + "' is declared twice");
      out.add(param);
    }
    return out;
  }

  private static Optional<Double> number(Object v) {
    return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private List<ComponentUse> includes(Object node) {
    List<ComponentUse> out = new ArrayList<>();
    if (node == null) return out;
    if (!(node instanceof List<?> list)) {
      problem("include", "must be a list");
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> raw)) {
        problem("include[" + i + "]", "must be a map with component, inputs and after");
        continue;
      }
      Map<String, Object> u = (Map<String, Object>) raw;
      String component = text(u, "component", true);
      if (component == null) continue;
      Map<String, Object> inputs = u.get("inputs") instanceof Map<?, ?> in ? new LinkedHashMap<>((Map<String, Object>) in) : Map.of();
      List<String> after = new ArrayList<>();
      if (u.get("after") instanceof List<?> a) a.forEach(x -> after.add(String.valueOf(x)));
      out.add(new ComponentUse(component, Optional.ofNullable(u.get("version")).map(String::valueOf), inputs, after,
          Optional.ofNullable(u.get("prefix")).map(String::valueOf)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Sharing sharing(Object node) {
    if (node == null) return Sharing.GLOBAL;
    if (!(node instanceof Map<?, ?> raw)) {
      problem("sharing", "must be a map such as {scope: project, project: payments}");
      return Sharing.GLOBAL;
    }
    Map<String, Object> m = (Map<String, Object>) raw;
    try {
      Sharing.Scope scope = Sharing.Scope.valueOf(String.valueOf(m.getOrDefault("scope", "global")).toUpperCase(Locale.ROOT));
      return new Sharing(scope, Optional.ofNullable(m.get("owner")).map(String::valueOf), Optional.ofNullable(m.get("project")).map(String::valueOf));
    } catch (IllegalArgumentException e) {
      problem("sharing", e.getMessage().startsWith("No enum") ? "scope must be private, project or global" : e.getMessage());
      return Sharing.GLOBAL;
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> body(String id) {
    String bodyLocation = files.location() + "/" + files.bodyName();
    if (files.bodyText().isBlank()) {
      problems.add(bodyLocation + ": missing or empty; a template needs its pipeline body");
      return Map.of();
    }
    if (files.bodyName().endsWith(".kts")) return kotlinBody(bodyLocation);
    try {
      Object parsed = YAML.readValue(files.bodyText(), Object.class);
      if (!(parsed instanceof Map<?, ?> m)) {
        problems.add(bodyLocation + ": must be a pipeline document (a map with stages)");
        return Map.of();
      }
      Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) m);
      if (!(body.get("stages") instanceof List)) problems.add(bodyLocation + ": has no stages: list");
      return body;
    } catch (IOException e) {
      problems.add(bodyLocation + ": " + e.getMessage().lines().findFirst().orElse(""));
      return Map.of();
    }
  }

  /**
   * A {@code .pipeline.kts} body, evaluated by pipeline-dsl's script host when it is on the
   * classpath (found by reflection: templates do not depend on the DSL).
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> kotlinBody(String location) {
    try {
      Class<?> host = Class.forName("org.pipelinekit.dsl.script.PipelineScriptHost");
      Object instance = host.getConstructor().newInstance();
      Method evaluate = host.getMethod("evaluate", String.class, String.class);
      List<Pipeline> pipelines = (List<Pipeline>) evaluate.invoke(instance, files.bodyText(), location);
      if (pipelines.size() != 1) {
        problems.add(location + ": defines " + pipelines.size() + " pipelines; a template body defines one");
        return Map.of();
      }
      return JSON.readValue(PipelineFormat.JSON.write(pipelines.get(0)), LinkedHashMap.class);
    } catch (ClassNotFoundException e) {
      problems.add(location + ": .pipeline.kts bodies need pipeline-dsl on the classpath");
    } catch (java.lang.reflect.InvocationTargetException e) {
      problems.add(location + ": " + e.getCause().getMessage());
    } catch (ReflectiveOperationException | IOException e) {
      problems.add(location + ": cannot evaluate the script: " + e.getMessage());
    }
    return Map.of();
  }
}
