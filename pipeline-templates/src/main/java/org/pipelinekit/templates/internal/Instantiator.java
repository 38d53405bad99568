package org.pipelinekit.templates.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.Suggestions;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.TemplateOrigin;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.Problem;
import org.pipelinekit.core.validate.Severity;
import org.pipelinekit.templates.ComponentUse;
import org.pipelinekit.templates.Customization;
import org.pipelinekit.templates.Template;
import org.pipelinekit.templates.TemplateException;
import org.pipelinekit.templates.TemplateParameter;

/**
 * Template + customization → pipeline: values checked and typed, {@code ${{ params.x }}} put in,
 * components expanded, the tree read as a pipeline file, the customizations applied, the result
 * validated. Every problem is reported at once, with its path.
 */
public final class Instantiator {
  private final BiFunction<String, Optional<String>, Optional<Template>> components;
  private final PipelineValidator validator;

  public Instantiator(BiFunction<String, Optional<String>, Optional<Template>> components, PipelineValidator validator) {
    this.components = components;
    this.validator = validator;
  }

  /** Checks and types the given values against the parameters, filling in defaults; problems go to {@code problems}. */
  public static Map<String, Object> values(List<TemplateParameter> params, Map<String, Object> given, String prefix, List<String> problems) {
    Map<String, Object> out = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    params.forEach(p -> names.add(p.name()));
    for (String name : given.keySet()) {
      if (!names.contains(name)) {
        problems.add(prefix + name + ": no parameter '" + name + "'" + Suggestions.closest(name, names).map(s -> "; did you mean '" + s + "'?")
            .orElse("; the parameters are " + new java.util.TreeSet<>(names)));
      }
    }
    for (TemplateParameter p : params) {
      Object v = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue().orElse(null);
      if (v == null) {
        if (p.required() || p.defaultValue().isEmpty()) {
          problems.add(prefix + p.name() + ": parameter '" + p.name() + "' needs a value (" + p.type().id()
              + (p.description().isEmpty() ? "" : ": " + p.description()) + ")");
        }
        continue;
      }
      try {
        out.put(p.name(), Values.convert(p, v));
      } catch (IllegalArgumentException e) {
        problems.add(prefix + p.name() + ": " + e.getMessage());
      }
    }
    return out;
  }

  public Pipeline create(Template t, Customization c) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> values = values(t.parameters(), c.values(), "params.", problems);
    if (!problems.isEmpty()) throw new TemplateException(ErrorCode.TEMPLATE_VALUES_INVALID, problems);

    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) new Substitution("params", values).apply(t.body());
    tree.put("pipelinekit", 1);
    tree.put("id", c.id().orElse(t.id()));
    tree.remove("template");
    tree.remove("version");
    expandComponents(t, values, tree, problems);
    if (!problems.isEmpty()) throw new TemplateException(ErrorCode.TEMPLATE_COMPONENT_INVALID, problems);

    Pipeline p;
    try {
      p = PipelineFormat.JSON.read(TemplateReader.JSON.writeValueAsString(tree));
    } catch (PipelineFormatException e) {
      for (FormatProblem f : e.problems()) problems.add(f.path() + ": " + f.message());
      throw new TemplateException(ErrorCode.TEMPLATE_BODY_INVALID, problems);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    p = customize(p, c, problems);
    p = p.toBuilder().template(new TemplateOrigin(t.id(), t.version(), values)).build();
    for (Problem pr : validator.validate(p).problems()) {
      if (pr.severity() == Severity.ERROR) problems.add(pr.path() + ": " + pr.message() + (pr.hint().isEmpty() ? "" : " (" + pr.hint() + ")"));
    }
    if (!problems.isEmpty()) throw new TemplateException(ErrorCode.TEMPLATE_RESULT_INVALID, problems);
    return p;
  }

  @SuppressWarnings("unchecked")
  private void expandComponents(Template t, Map<String, Object> values, Map<String, Object> tree, List<String> problems) {
    List<Object> stages = new ArrayList<>((List<Object>) tree.get("stages"));
    Set<String> ids = new HashSet<>();
    stages.forEach(s -> ids.add(String.valueOf(((Map<String, Object>) s).get("id"))));
    for (int i = 0; i < t.includes().size(); i++) {
      ComponentUse use = t.includes().get(i);
      String path = "include[" + i + "]";
      Optional<Template> found = components.apply(use.component(), use.version());
      if (found.isEmpty() || !found.get().component()) {
        problems.add(path + ": no component '" + use.component() + "'" + use.version().map(v -> " version " + v).orElse(""));
        continue;
      }
      Template comp = found.get();
      Map<String, Object> given = (Map<String, Object>) new Substitution("params", values).apply(use.inputs());
      Map<String, Object> inputs = values(comp.parameters(), given, path + ".inputs.", problems);
      Map<String, Object> body = (Map<String, Object>) new Substitution("inputs", inputs).apply(comp.body());
      String prefix = use.prefix().orElse("");
      // the component's stages go right after the last stage they come after (else at the end)
      int at = stages.size();
      if (!use.after().isEmpty()) {
        at = 0;
        for (int k = 0; k < stages.size(); k++) {
          if (use.after().contains(String.valueOf(((Map<String, Object>) stages.get(k)).get("id")))) at = k + 1;
        }
      }
      Set<String> own = new HashSet<>();
      ((List<Object>) body.get("stages")).forEach(s -> own.add(String.valueOf(((Map<String, Object>) s).get("id"))));
      for (Object s : (List<Object>) body.get("stages")) {
        Map<String, Object> stage = new LinkedHashMap<>((Map<String, Object>) s);
        String id = prefix + stage.get("id");
        stage.put("id", id);
        List<String> needs = new ArrayList<>();
        Object raw = stage.get("needs");
        if (raw instanceof List<?> l) l.forEach(n -> needs.add(own.contains(String.valueOf(n)) ? prefix + n : String.valueOf(n)));
        else if (raw != null) needs.add(own.contains(String.valueOf(raw)) ? prefix + raw : String.valueOf(raw));
        if (needs.isEmpty()) needs.addAll(use.after());
        if (!needs.isEmpty()) stage.put("needs", needs);
        if (!ids.add(id)) problems.add(path + ": component " + comp.id() + " adds stage '" + id + "', which exists already; set a prefix");
        stages.add(at++, stage);
      }
    }
    tree.put("stages", stages);
  }

  private static Pipeline customize(Pipeline p, Customization c, List<String> problems) {
    Map<String, Stage> stages = new LinkedHashMap<>();
    p.stages().forEach(s -> stages.put(s.id(), s));
    for (int i = 0; i < c.removed().size(); i++) {
      String id = c.removed().get(i);
      if (stages.remove(id) == null) {
        problems.add("customizations.removeStage[" + i + "]: no stage '" + id + "' to remove" + hint(id, stages.keySet()));
        continue;
      }
      for (Map.Entry<String, Stage> e : stages.entrySet()) {
        if (e.getValue().needs().contains(id)) {
          Stage.Builder b = e.getValue().toBuilder().clearNeeds();
          e.getValue().needs().stream().filter(n -> !n.equals(id)).forEach(b::needs);
          e.setValue(b.build());
        }
      }
    }
    for (int i = 0; i < c.overridden().size(); i++) {
      Stage s = c.overridden().get(i);
      if (!stages.containsKey(s.id())) {
        problems.add("customizations.overrideStage[" + i + "]: no stage '" + s.id() + "' to override" + hint(s.id(), stages.keySet()));
      } else {
        stages.put(s.id(), s);
      }
    }
    for (int i = 0; i < c.inputs().size(); i++) {
      Customization.InputChange in = c.inputs().get(i);
      Stage s = stages.get(in.stageId());
      if (s == null) {
        problems.add("customizations.setInput[" + i + "]: no stage '" + in.stageId() + "'" + hint(in.stageId(), stages.keySet()));
      } else {
        stages.put(s.id(), s.toBuilder().with(in.name(), in.value()).build());
      }
    }
    for (int i = 0; i < c.added().size(); i++) {
      Stage s = c.added().get(i);
      if (stages.containsKey(s.id())) {
        problems.add("customizations.addStage[" + i + "]: stage '" + s.id() + "' exists already; override it instead");
      } else {
        stages.put(s.id(), s);
      }
    }
    return p.toBuilder().clearStages().stages(List.copyOf(stages.values())).build();
  }

  private static String hint(String id, Set<String> ids) {
    return Suggestions.closest(id, ids).map(s -> "; did you mean '" + s + "'?").orElse("; the stages are " + ids);
  }
}
