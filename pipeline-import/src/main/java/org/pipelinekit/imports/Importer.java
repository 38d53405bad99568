package org.pipelinekit.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.imports.ImportReport.Outcome;
import org.pipelinekit.imports.YamlTree.Value;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Pipeline;

/**
 * What the importers share: the pipeline is built as a canonical document (so the format's reader applies its checks), each
 * source key is reported as it is read, and at the end every key nobody read is reported unsupported — the report is
 * complete by construction. Values the format still refuses are taken out and reported, never thrown.
 */
abstract class Importer {
  static final ObjectMapper JSON = new ObjectMapper();

  final ImportReport report;
  final String source;
  final ObjectNode doc = JSON.createObjectNode();
  final ArrayNode stages;
  private final Map<String, String> ids = new HashMap<>();
  private final Set<String> taken = new HashSet<>();

  Importer(String kind, String source) {
    this.report = new ImportReport(kind, source);
    this.source = source;
    doc.put("pipelinekit", 1);
    doc.put("id", pipelineId(source));
    stages = JSON.createArrayNode();
  }

  private static String pipelineId(String source) {
    String name = source.replaceAll(".*/", "").replaceAll("\\.(ya?ml|groovy)$", "");
    return Ids.slug(name.isEmpty() ? "imported" : name);
  }

  // ---- the report ----

  void mapped(String path, Value v) {
    report.add(path, v.line(), v.column(), Outcome.MAPPED, "");
  }

  void mapped(String path, Value v, String note) {
    report.add(path, v.line(), v.column(), Outcome.MAPPED, note);
  }

  void approx(String path, Value v, String note) {
    report.add(path, v.line(), v.column(), Outcome.APPROXIMATED, note);
  }

  void unsupported(String path, Value v, String note) {
    report.add(path, v.line(), v.column(), Outcome.UNSUPPORTED, note);
  }

  static String path(String parent, String key) {
    String k = key.matches("[A-Za-z0-9_\\-:/ *$@+]+") ? key : "\"" + key.replace("\"", "\\\"") + "\"";
    return parent.isEmpty() ? k : parent + "." + k;
  }

  static String path(String parent, int index) {
    return parent + "[" + index + "]";
  }

  // ---- ids ----

  /** A stage id for a source job name: a slug, made unique; the same name gives the same id. */
  String stageId(String name) {
    return ids.computeIfAbsent(name, n -> {
      String base = Ids.slug(n);
      if (base.length() > 90) base = base.substring(0, 90);
      String id = base;
      for (int i = 2; !taken.add(id); i++) id = base + "-" + i;
      return id;
    });
  }

  /** A stage id not used yet, for a second stage of the same name (Jenkins' parallel branches each with a 'Test'). */
  String freshStageId(String name) {
    String base = Ids.slug(name);
    if (base.length() > 90) base = base.substring(0, 90);
    String id = base;
    for (int i = 2; !taken.add(id); i++) id = base + "-" + i;
    return id;
  }

  boolean hasStage(String name) {
    return ids.containsKey(name);
  }

  // ---- values ----

  /** Minutes as a duration ({@code 90} → {@code 90m}), or null when the text is not a positive number (up to a year). */
  static String minutes(Value v) {
    if (v == null || !v.isText()) return null;
    try {
      double m = Double.parseDouble(v.text().trim());
      if (!(m > 0) || m > 525_600) return null;
      return m == Math.rint(m) ? (long) m + "m" : Math.round(m * 60) + "s";
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static ArrayNode texts(List<String> items) {
    ArrayNode a = JSON.createArrayNode();
    items.forEach(a::add);
    return a;
  }

  // ---- finishing ----

  /** Reports every key under {@code root} no entry covers, then reads the document (taking out what the format refuses). */
  ImportResult finish(Value root, String kindName) {
    sweep(root, "", kindName);
    doc.set("stages", stages);
    for (int attempt = 0; ; attempt++) {
      try {
        Pipeline p = PipelineFormat.JSON.read(JSON.writeValueAsString(doc));
        return new ImportResult(p, report);
      } catch (PipelineFormatException e) {
        for (FormatProblem fp : e.problems()) {
          if (attempt > 20 || !remove(fp.path())) {
            throw new ImportException(source, 1, 1, "the imported pipeline cannot be written as PipelineKit's format: " + fp);
          }
          report.add("(result) " + fp.path(), 0, 0, Outcome.UNSUPPORTED, "dropped from the pipeline: " + fp.message());
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private void sweep(Value v, String at, String kindName) {
    if (v.isMap()) {
      for (Map.Entry<String, Value> e : v.map().entrySet()) {
        String p = path(at, e.getKey());
        if (report.covers(p)) continue;
        Value child = e.getValue();
        if (child.isMap() || child.isList()) {
          boolean read = report.touches(p);
          sweep(child, p, kindName);
          if (!read) unsupported(p, child, "not read: not a " + kindName + " key this importer knows");
        } else {
          unsupported(p, child, "not read: not a " + kindName + " key this importer knows");
        }
      }
    } else if (v.isList()) {
      List<Value> items = v.list();
      for (int i = 0; i < items.size(); i++) {
        String p = path(at, i);
        if (!report.covers(p) && (items.get(i).isMap() || items.get(i).isList())) sweep(items.get(i), p, kindName);
      }
    }
  }

  /** Takes a value out of the document by the format's path ({@code stages.build.timeout}, {@code triggers[0]}). */
  private boolean remove(String path) {
    List<String> parts = new ArrayList<>();
    for (String s : path.split("\\.")) {
      int b = s.indexOf('[');
      if (b > 0) {
        parts.add(s.substring(0, b));
        parts.add(s.substring(b));
      } else {
        parts.add(s);
      }
    }
    JsonNode node = doc;
    doc.set("stages", stages);
    for (int i = 0; i < parts.size() - 1; i++) {
      String part = parts.get(i);
      node = step(node, part, i > 0 && parts.get(i - 1).equals("stages"));
      if (node == null) return false;
    }
    String last = parts.get(parts.size() - 1);
    if (node instanceof ObjectNode o && o.has(last)) {
      o.remove(last);
      return true;
    }
    if (node instanceof ArrayNode a && last.startsWith("[")) {
      int idx = Integer.parseInt(last.substring(1, last.length() - 1));
      if (idx < a.size()) {
        a.remove(idx);
        return true;
      }
    }
    return false;
  }

  private static JsonNode step(JsonNode node, String part, boolean stageId) {
    if (part.startsWith("[") && node instanceof ArrayNode a) {
      int idx = Integer.parseInt(part.substring(1, part.length() - 1));
      return idx < a.size() ? a.get(idx) : null;
    }
    if (stageId && node instanceof ArrayNode a) {
      for (JsonNode s : a) if (part.equals(s.path("id").asText())) return s;
      return null;
    }
    return node.get(part);
  }
}
