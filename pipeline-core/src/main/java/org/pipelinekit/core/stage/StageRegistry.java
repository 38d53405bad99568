package org.pipelinekit.core.stage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.spi.StageCategory;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.stage.internal.BuiltinStageTypes;
import org.pipelinekit.core.Suggestions;

/**
 * The stage types a host offers: what the validator checks inputs against, what the engine turns
 * into steps and what the designer's library shows. Immutable; two types with one id are refused
 * when the registry is built.
 */
public final class StageRegistry {
  private final Map<String, StageType> types;

  private StageRegistry(Map<String, StageType> types) {
    this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
  }

  /** The built-in types of pipeline-core. */
  public static StageRegistry builtins() {
    return builder().addBuiltins().build();
  }

  /** Every type found through {@link ServiceLoader} on the context class loader (the built-ins among them). */
  public static StageRegistry discover() {
    return builder().discover(Thread.currentThread().getContextClassLoader()).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<StageType> find(String id) {
    return Optional.ofNullable(types.get(id));
  }

  /** The type with this id; the error names the closest known id. */
  public StageType get(String id) {
    StageType t = types.get(id);
    if (t == null) {
      throw new PipelineException(ErrorCode.STAGE_TYPE_UNKNOWN, "unknown stage type '" + id + "'"
          + Suggestions.didYouMean(id, types.keySet()) + "; known types: " + String.join(", ", types.keySet()));
    }
    return t;
  }

  public Collection<StageType> all() {
    return types.values();
  }

  public List<StageType> byCategory(StageCategory category) {
    return types.values().stream().filter(t -> t.category() == category).toList();
  }

  public java.util.Set<String> ids() {
    return types.keySet();
  }

  /** Collects types from providers and single registrations. */
  public static final class Builder {
    private final Map<String, StageType> types = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final Map<String, Integer> priorities = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(StageTypeProvider provider) {
      for (StageType t : provider.stageTypes()) {
        add(t, provider.id(), provider.priority());
      }
      return this;
    }

    /** Adds the built-in types of pipeline-core (priority 0, so a module's replacements win). */
    public Builder addBuiltins() {
      return add(new BuiltinStageTypes());
    }

    /** Adds one type, with priority 0 (see {@link StageTypeProvider#priority()}). */
    public Builder add(StageType type) {
      return add(type, type.getClass().getName(), 0);
    }

    /** Adds every provider {@link ServiceLoader} finds with {@code loader}. */
    public Builder discover(ClassLoader loader) {
      List<StageTypeProvider> providers = new ArrayList<>();
      ServiceLoader.load(StageTypeProvider.class, loader).forEach(providers::add);
      providers.forEach(this::add);
      return this;
    }

    private Builder add(StageType type, String origin, int priority) {
      String id = type.id();
      if (!org.pipelinekit.core.model.Ids.isValid(id)) {
        throw new PipelineException(ErrorCode.STAGE_TYPE_INVALID, "stage type id '" + id + "' from " + origin
            + " is not a valid id: use lower-case letters, digits, _ and -");
      }
      String previous = origins.get(id);
      if (previous != null) {
        int before = priorities.get(id);
        if (before == priority) {
          throw new PipelineException(ErrorCode.STAGE_TYPE_DUPLICATE, "stage type '" + id + "' is defined twice: by "
              + previous + " and by " + origin + "; remove one, give it another id or a higher priority");
        }
        if (before > priority) return this;
      }
      origins.put(id, origin);
      priorities.put(id, priority);
      types.put(id, type);
      return this;
    }

    public StageRegistry build() {
      return new StageRegistry(types);
    }
  }
}
