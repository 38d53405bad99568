package org.pipelinekit.templates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.TemplateOrigin;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.templates.internal.Instantiator;
import org.pipelinekit.templates.internal.TemplateReader;
import org.pipelinekit.templates.internal.Trees;

/**
 * The templates a host offers: read from its {@link TemplateSource}s (the built-ins, directories,
 * git repositories), every version of each kept, components beside templates.
 *
 * <pre>{@code
 * TemplateLibrary library = TemplateLibrary.builder().builtins().build();
 * Pipeline ci = library.createFromTemplate("java-maven", Customization.builder()
 *     .id("orders-ci").set("jdk", "17").removeStage("package").build());
 * }</pre>
 *
 * <p>A pipeline made from a template remembers its id, version and values ({@code template:} in
 * the pipeline file); {@link #upgrade} moves it to another version, keeping its own changes.
 */
public final class TemplateLibrary {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /** Id → versions, newest first. */
  private final Map<String, List<Template>> templates;
  private final @Nullable DirectoryTemplateSource writable;
  private final Instantiator instantiator;

  private TemplateLibrary(Map<String, List<Template>> templates, @Nullable DirectoryTemplateSource writable, PipelineValidator validator) {
    this.templates = templates;
    this.writable = writable;
    this.instantiator = new Instantiator(this::find, validator);
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- browsing ----

  /** The newest version of every template (not component) the viewer may see, of the category if given, by name. */
  public List<Template> getTemplates(Optional<String> category, Sharing.Viewer viewer) {
    return latest().stream().filter(t -> !t.component()).filter(t -> t.sharing().visibleTo(viewer))
        .filter(t -> category.map(c -> c.equals(t.category())).orElse(true))
        .sorted(Comparator.comparing(Template::name)).toList();
  }

  /** The global templates of a category (or all). */
  public List<Template> getTemplates(String category) {
    return getTemplates(Optional.ofNullable(category), Sharing.Viewer.ANYONE);
  }

  public List<Template> components() {
    return latest().stream().filter(Template::component).sorted(Comparator.comparing(Template::id)).toList();
  }

  /** Every template and component, every version. */
  public List<Template> all() {
    List<Template> out = new ArrayList<>();
    templates.values().forEach(out::addAll);
    return out;
  }

  private List<Template> latest() {
    return templates.values().stream().map(v -> v.get(0)).toList();
  }

  public Optional<Template> template(String id) {
    return Optional.ofNullable(templates.get(id)).map(v -> v.get(0));
  }

  public Optional<Template> template(String id, String version) {
    return Optional.ofNullable(templates.get(id)).flatMap(v -> v.stream().filter(t -> t.version().equals(version)).findFirst());
  }

  private Optional<Template> find(String id, Optional<String> version) {
    return version.map(v -> template(id, v)).orElseGet(() -> template(id));
  }

  private Template require(String id, Optional<String> version) {
    return find(id, version).orElseThrow(() -> new TemplateException(ErrorCode.TEMPLATE_NOT_FOUND, List.of("no template '" + id + "'"
        + version.map(v -> " version " + v).orElse("") + org.pipelinekit.core.Suggestions.didYouMean(id, templates.keySet()))));
  }

  // ---- creating ----

  /**
   * A pipeline from the newest version of the template: values set, components expanded,
   * customizations applied, validated. Throws {@link TemplateException} listing every problem with
   * its path.
   */
  public Pipeline createFromTemplate(String id, Customization customization) {
    return createFromTemplate(require(id, Optional.empty()), customization);
  }

  public Pipeline createFromTemplate(String id, String version, Customization customization) {
    return createFromTemplate(require(id, Optional.of(version)), customization);
  }

  public Pipeline createFromTemplate(Template template, Customization customization) {
    if (template.component()) {
      throw new TemplateException(ErrorCode.TEMPLATE_IS_COMPONENT, List.of(template.id() + " is a component; include it in a template"));
    }
    return instantiator.create(template, customization);
  }

  // ---- saving ----

  /**
   * A template made from a pipeline: each chosen value becomes a parameter (where it is a whole
   * setting, or inside text where letters, digits or _ do not touch it), with that value as its default; creating from the template
   * without values gives the pipeline back. Not stored: see {@link #save}.
   */
  @SuppressWarnings("unchecked")
  public Template saveAsTemplate(Pipeline pipeline, TemplateMetadata meta) {
    Map<String, Object> tree = Trees.tree(pipeline);
    tree.remove("pipelinekit");
    tree.remove("template");
    tree.remove("version");
    List<TemplateParameter> params = new ArrayList<>();
    for (Map.Entry<String, Object> e : meta.parameters().entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      boolean[] typed = new boolean[1];
      tree = (Map<String, Object>) parameterize(tree, value, "${{ params." + name + " }}", typed);
      TemplateParameter.Type type = value instanceof Boolean ? TemplateParameter.Type.BOOLEAN
          : value instanceof Number && typed[0] ? TemplateParameter.Type.NUMBER : TemplateParameter.Type.STRING;
      Object def = type == TemplateParameter.Type.STRING ? String.valueOf(value) : value;
      params.add(new TemplateParameter(name, type, Optional.of(def), "", false, List.of(), Optional.empty(), Optional.empty(),
          Optional.empty()));
    }
    return new Template(meta.id(), meta.name(), meta.category(), meta.description(), meta.version(), params, List.of(), tree,
        meta.sharing(), false, "saved from pipeline " + pipeline.id());
  }

  private static Object parameterize(Object node, Object value, String ref, boolean[] typed) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(k).equals("id") ? v : parameterize(v, value, ref, typed)));
      return out;
    }
    if (node instanceof List<?> l) return l.stream().map(x -> parameterize(x, value, ref, typed)).toList();
    if (node instanceof String s) {
      String text = String.valueOf(value);
      if (s.equals(text)) return ref;
      Matcher m = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(text) + "(?![A-Za-z0-9_])").matcher(s);
      return m.replaceAll(Matcher.quoteReplacement(ref));
    }
    if (node != null && !(node instanceof String) && String.valueOf(node).equals(String.valueOf(value))) {
      typed[0] = true;
      return ref;
    }
    return node;
  }

  /** Stores the template in the library's writable directory (and makes it available here). */
  public synchronized Template save(Template t) {
    if (writable == null) {
      throw new TemplateException(ErrorCode.TEMPLATE_NOT_WRITABLE, List.of("the library has no directory to save templates in;"
          + " add one with TemplateLibrary.builder().directory(path, true)"));
    }
    if (template(t.id(), t.version()).isPresent()) {
      throw new TemplateException(ErrorCode.TEMPLATE_EXISTS, List.of("template " + t.id() + " version " + t.version()
          + " exists already; give the new one a higher version"));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("pipelinekit-template", 1);
    meta.put("id", t.id());
    meta.put("name", t.name());
    meta.put("category", t.category());
    meta.put("description", t.description());
    meta.put("version", t.version());
    Map<String, Object> sharing = new LinkedHashMap<>();
    sharing.put("scope", t.sharing().scope().name().toLowerCase(java.util.Locale.ROOT));
    t.sharing().owner().ifPresent(o -> sharing.put("owner", o));
    t.sharing().project().ifPresent(p -> sharing.put("project", p));
    meta.put("sharing", sharing);
    List<Map<String, Object>> params = new ArrayList<>();
    for (TemplateParameter p : t.parameters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("type", p.type().id());
      p.defaultValue().ifPresent(d -> m.put("default", d));
      if (!p.description().isEmpty()) m.put("description", p.description());
      params.add(m);
    }
    if (!params.isEmpty()) meta.put("parameters", params);
    try {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("pipelinekit", 1);
      body.putAll(t.body());
      writable.write(t.id() + "-" + t.version(), YAML.writeValueAsString(meta), YAML.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Template stored = new Template(t.id(), t.name(), t.category(), t.description(), t.version(), t.parameters(), t.includes(), t.body(),
        t.sharing(), t.component(), writable.name());
    add(templates, stored);
    return stored;
  }

  // ---- upgrading ----

  /**
   * Moves a pipeline made from a template to {@code version} (the newest when empty): the template's
   * changes between the two versions, for the pipeline's values, are applied; what the pipeline
   * changed itself is kept, and where both changed the same stage or setting, the pipeline's
   * version stays and the place is listed as a conflict.
   */
  public Upgrade upgrade(Pipeline pipeline, Optional<String> version) {
    TemplateOrigin origin = pipeline.template().orElseThrow(() -> new TemplateException(ErrorCode.TEMPLATE_NOT_FOUND,
        List.of("pipeline " + pipeline.id() + " was not created from a template")));
    Template from = require(origin.id(), Optional.of(origin.version()));
    Template to = require(origin.id(), version);
    Customization same = Customization.builder().id(pipeline.id()).set(valuesFor(to, origin.values())).build();
    Map<String, Object> base = Trees.tree(createFromTemplate(from, Customization.builder().id(pipeline.id()).set(origin.values()).build()));
    Map<String, Object> theirs = Trees.tree(createFromTemplate(to, same));
    Map<String, Object> mine = Trees.tree(pipeline);
    for (Map<String, Object> tree : List.of(base, theirs, mine)) tree.remove("template");
    List<Change> conflicts = new ArrayList<>();
    Map<String, Object> merged = Trees.merge(base, mine, theirs, conflicts);
    Pipeline upgraded = Trees.pipeline(merged).toBuilder()
        .template(new TemplateOrigin(to.id(), to.version(), createFromTemplate(to, same).template().orElseThrow().values())).build();
    return new Upgrade(from.version(), to.version(), upgraded, Trees.diff(base, theirs), conflicts);
  }

  /** The old values that the new version still has parameters for (new parameters take their defaults). */
  private static Map<String, Object> valuesFor(Template t, Map<String, Object> values) {
    Map<String, Object> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (t.parameter(k).isPresent()) out.put(k, v);
    });
    return out;
  }

  private static void add(Map<String, List<Template>> templates, Template t) {
    List<Template> versions = templates.computeIfAbsent(t.id(), k -> new ArrayList<>());
    versions.removeIf(v -> v.version().equals(t.version()));
    versions.add(t);
    versions.sort(Comparator.comparing(Template::version, TemplateLibrary::compareVersions).reversed());
  }

  /** 1.10.0 after 1.9.2; a pre-release (1.0.0-rc1) before its release. */
  static int compareVersions(String a, String b) {
    String[] pa = a.split("[-+]", 2);
    String[] pb = b.split("[-+]", 2);
    String[] na = pa[0].split("\\.");
    String[] nb = pb[0].split("\\.");
    for (int i = 0; i < Math.max(na.length, nb.length); i++) {
      long x = i < na.length ? Long.parseLong(na[i]) : 0;
      long y = i < nb.length ? Long.parseLong(nb[i]) : 0;
      if (x != y) return Long.compare(x, y);
    }
    if (pa.length != pb.length) return pa.length > pb.length ? -1 : 1;
    return pa.length == 2 ? pa[1].compareTo(pb[1]) : 0;
  }

  public static final class Builder {
    private final List<TemplateSource> sources = new ArrayList<>();
    private @Nullable DirectoryTemplateSource writable;
    private StageRegistry registry = StageRegistry.builtins();

    private Builder() {}

    /** The built-in library. */
    public Builder builtins() {
      return source(TemplateSource.builtins());
    }

    /** A directory of template folders; {@code writable} makes it where {@link #save} stores templates. */
    public Builder directory(java.nio.file.Path dir, boolean writable) {
      DirectoryTemplateSource source = new DirectoryTemplateSource(dir);
      if (writable) this.writable = source;
      return source(source);
    }

    /** A local git repository at a ref. */
    public Builder git(java.nio.file.Path repository, String ref) {
      return source(new GitTemplateSource(repository, ref));
    }

    public Builder source(TemplateSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** The stage types results are validated against (default: the built-ins). */
    public Builder registry(StageRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Reads every source; throws {@link TemplateException} listing every problem of every template. */
    public TemplateLibrary build() {
      Map<String, List<Template>> templates = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (TemplateSource source : sources) {
        for (TemplateSource.TemplateFiles files : source.load()) TemplateReader.read(files, problems).ifPresent(t -> add(templates, t));
      }
      if (!problems.isEmpty()) throw new TemplateException(ErrorCode.TEMPLATE_INVALID, problems);
      return new TemplateLibrary(templates, writable, PipelineValidator.builder().registry(registry).build());
    }
  }
}
