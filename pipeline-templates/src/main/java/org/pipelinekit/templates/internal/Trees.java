package org.pipelinekit.templates.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.templates.Change;

/** Pipelines as canonical trees: diffs by path (stages keyed by id), and the stage-wise three-way merge of upgrades. */
public final class Trees {
  private Trees() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> tree(Pipeline p) {
    try {
      return TemplateReader.JSON.readValue(PipelineFormat.JSON.write(p), LinkedHashMap.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Pipeline pipeline(Map<String, Object> tree) {
    try {
      return PipelineFormat.JSON.read(TemplateReader.JSON.writeValueAsString(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every difference from {@code a} to {@code b}. */
  public static List<Change> diff(Map<String, Object> a, Map<String, Object> b) {
    List<Change> out = new ArrayList<>();
    diff("", a, b, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void diff(String path, Object a, Object b, List<Change> out) {
    if (Objects.equals(a, b)) return;
    if (a == null) {
      out.add(new Change(path, Change.Kind.ADDED, null, b));
    } else if (b == null) {
      out.add(new Change(path, Change.Kind.REMOVED, a, null));
    } else if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Set<Object> keys = new LinkedHashSet<>(ma.keySet());
      keys.addAll(mb.keySet());
      for (Object k : keys) diff(join(path, String.valueOf(k)), ma.get(k), mb.get(k), out);
    } else if (byId(a) && byId(b)) {
      Map<String, Object> ia = index((List<Object>) a);
      Map<String, Object> ib = index((List<Object>) b);
      Set<String> ids = new LinkedHashSet<>(ia.keySet());
      ids.addAll(ib.keySet());
      for (String id : ids) diff(join(path, id), ia.get(id), ib.get(id), out);
    } else {
      out.add(new Change(path, Change.Kind.CHANGED, a, b));
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static boolean byId(Object o) {
    return o instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map<?, ?> m && m.get("id") != null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> index(List<Object> list) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object o : list) out.put(String.valueOf(((Map<String, Object>) o).get("id")), o);
    return out;
  }

  /**
   * Three-way merge of pipeline trees: {@code base} (the old template version with the pipeline's
   * values), {@code mine} (the pipeline as it is), {@code theirs} (the new version with the same
   * values). Per top-level setting and per stage: unchanged by the pipeline → the template's new
   * one; unchanged by the template → the pipeline's; changed by both (differently) → the
   * pipeline's, reported in {@code conflicts}. Stage order follows the new template, with the
   * pipeline's own stages after.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> mine, Map<String, Object> theirs,
      List<Change> conflicts) {
    Map<String, Object> out = new LinkedHashMap<>();
    Set<String> keys = new LinkedHashSet<>(theirs.keySet());
    keys.addAll(mine.keySet());
    for (String k : keys) {
      if (k.equals("stages")) continue;
      Object v = pick(k, base.get(k), mine.get(k), theirs.get(k), conflicts);
      if (v != null) out.put(k, v);
    }
    Map<String, Object> b = index((List<Object>) base.getOrDefault("stages", List.of()));
    Map<String, Object> m = index((List<Object>) mine.getOrDefault("stages", List.of()));
    Map<String, Object> t = index((List<Object>) theirs.getOrDefault("stages", List.of()));
    List<Object> stages = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>(t.keySet());
    ids.addAll(m.keySet());
    for (String id : ids) {
      Object v = pick("stages." + id, b.get(id), m.get(id), t.get(id), conflicts);
      if (v != null) stages.add(v);
    }
    out.put("stages", stages);
    return out;
  }

  private static Object pick(String path, Object base, Object mine, Object theirs, List<Change> conflicts) {
    if (Objects.equals(mine, base)) return theirs;
    if (Objects.equals(theirs, base) || Objects.equals(mine, theirs)) return mine;
    conflicts.add(new Change(path, Change.Kind.CHANGED, theirs, mine));
    return mine;
  }
}
