package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.Pipeline;

/** An execution's parameter values: the given ones read as their parameter's type and checked, defaults for the rest. */
public final class Parameters {
  private Parameters() {}

  /** @throws PipelineException {@code PARAMETERS_INVALID} naming each bad, missing or unknown parameter */
  public static Map<String, Object> resolve(Pipeline pipeline, Map<String, ?> given) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Parameter p : pipeline.parameters()) {
      Object v = given.get(p.name());
      if (v == null) {
        if (p.defaultValue().isPresent()) {
          out.put(p.name(), p.defaultValue().get());
        } else if (p.required()) {
          problems.add("parameter '" + p.name() + "' is required");
        }
        continue;
      }
      Object value = coerce(p, v);
      p.problemWith(value).ifPresentOrElse(problem -> problems.add("parameter '" + p.name() + "' " + problem),
          () -> out.put(p.name(), value));
    }
    for (String name : given.keySet()) {
      if (pipeline.parameter(name).isEmpty()) {
        problems.add("pipeline '" + pipeline.id() + "' has no parameter '" + name + "'"
            + (pipeline.parameters().isEmpty() ? "" : "; its parameters are "
                + pipeline.parameters().stream().map(Parameter::name).toList()));
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineException(ErrorCode.PARAMETERS_INVALID, String.join("; ", problems));
    }
    return out;
  }

  /** Values from a command line or a form arrive as text: read them as the parameter's type. */
  private static Object coerce(Parameter p, Object v) {
    if (!(v instanceof String s)) {
      return v instanceof Integer i ? (Object) i.longValue() : v;
    }
    return switch (p.type()) {
      case NUMBER -> {
        try {
          yield s.contains(".") ? (Object) Double.parseDouble(s) : (Object) Long.parseLong(s);
        } catch (NumberFormatException e) {
          yield s;
        }
      }
      case BOOLEAN -> s.equalsIgnoreCase("true") ? (Object) Boolean.TRUE : s.equalsIgnoreCase("false") ? (Object) Boolean.FALSE : s;
      case LIST -> List.of(s.split(","));
      default -> s;
    };
  }
}
