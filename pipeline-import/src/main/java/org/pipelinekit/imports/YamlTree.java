package org.pipelinekit.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.format.ReadLimits;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A CI file's YAML as a tree that keeps where each value was (line, column), composed by SnakeYAML without constructing
 * objects: anchors and aliases resolve, {@code <<:} merge keys are applied (the mapping's own keys win), custom tags such
 * as GitLab's {@code !reference} are kept, a duplicate key keeps the last value and is noted, and YAML 1.1 booleans stay
 * text (so GitHub's {@code on:} is the key "on").
 */
final class YamlTree {
  private YamlTree() {}

  /** A value: a map (keys in order), a list, or text ({@code null} for an empty value), with its place and tag. */
  record Value(Object value, int line, int column, String tag) {
    boolean isMap() {
      return value instanceof Map;
    }

    boolean isList() {
      return value instanceof List;
    }

    boolean isText() {
      return value instanceof String;
    }

    boolean isNull() {
      return value == null;
    }

    @SuppressWarnings("unchecked")
    Map<String, Value> map() {
      return isMap() ? (Map<String, Value>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    List<Value> list() {
      return isList() ? (List<Value>) value : List.of();
    }

    String text() {
      return isText() ? (String) value : null;
    }

    Optional<Value> get(String key) {
      return Optional.ofNullable(map().get(key));
    }

    /** A list of texts: a list's text items, or one text as a list of one. */
    List<String> texts() {
      if (isText()) return List.of(text());
      List<String> out = new ArrayList<>();
      for (Value v : list()) if (v.isText()) out.add(v.text());
      return out;
    }

    String where() {
      return "line " + line + ", column " + column;
    }
  }

  /** The documents of a file; a syntax error becomes an {@link ImportException} with its line and column. */
  static List<Value> read(String text, String source, List<String> notes) {
    ReadLimits.tooLarge(text).ifPresent(why -> {
      throw new ImportException(source, 1, 1, why);
    });
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true);
    options.setMaxAliasesForCollections(ReadLimits.MAX_ALIASES);
    options.setCodePointLimit(ReadLimits.MAX_DOCUMENT_CHARS + 1);
    options.setNestingDepthLimit(ReadLimits.MAX_NESTING);
    Yaml yaml = new Yaml(options);
    List<Value> docs = new ArrayList<>();
    Expansion budget = new Expansion(source);
    try {
      for (Node n : yaml.composeAll(new java.io.StringReader(text))) {
        if (n != null) docs.add(convert(n, notes, budget));
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = m == null ? 1 : m.getLine() + 1;
      int col = m == null ? 1 : m.getColumn() + 1;
      String problem = Optional.ofNullable(e.getProblem()).orElse(e.getMessage().lines().findFirst().orElse("malformed YAML"));
      Mark c = e.getContextMark();
      throw new ImportException(source, line, col, org.pipelinekit.core.format.ParserMessages.yaml(problem,
          c == null ? null : e.getContext(), c == null ? 0 : c.getLine() + 1, c == null ? 0 : c.getColumn() + 1));
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new ImportException(source, 1, 1, "malformed YAML: " + e.getMessage().lines().findFirst().orElse("unreadable"));
    }
    return docs;
  }

  /**
   * Counts the values made while aliases are expanded: SnakeYAML composes a file's aliases as shared
   * nodes, but each use becomes a copy here, so nine anchors nine deep would make 9^9 values out of 1 KB.
   */
  private static final class Expansion {
    private final String source;
    private int values;

    Expansion(String source) {
      this.source = source;
    }

    /** The collections being converted, outermost first: an alias to one of them is an anchor that contains itself. */
    private final java.util.Set<Node> open = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    void enter(Node n) {
      if (!open.add(n)) {
        throw new ImportException(source, n.getStartMark().getLine() + 1, n.getStartMark().getColumn() + 1,
            "the anchor here contains itself through an alias, which makes an endless value; take the alias out");
      }
    }

    void leave(Node n) {
      open.remove(n);
    }

    void add(Node n) {
      if (++values > ReadLimits.MAX_EXPANDED_VALUES) {
        throw new ImportException(source, n.getStartMark().getLine() + 1, n.getStartMark().getColumn() + 1, "its anchors and aliases "
            + "expand to more than " + ReadLimits.MAX_EXPANDED_VALUES + " values (a YAML alias bomb?); use fewer nested aliases");
      }
    }
  }

  private static Value convert(Node n, List<String> notes, Expansion budget) {
    budget.add(n);
    int line = n.getStartMark().getLine() + 1;
    int col = n.getStartMark().getColumn() + 1;
    String tag = n.getTag().getValue().startsWith("tag:yaml.org,2002:") ? null : n.getTag().getValue();
    if (n instanceof ScalarNode s) {
      boolean nullish = n.getTag().equals(Tag.NULL) && (s.getValue().isEmpty() || s.getValue().equals("~") || s.getValue().equals("null"));
      return new Value(nullish ? null : s.getValue(), line, col, tag);
    }
    if (n instanceof SequenceNode s) {
      budget.enter(n);
      List<Value> items = new ArrayList<>();
      for (Node item : s.getValue()) items.add(convert(item, notes, budget));
      budget.leave(n);
      return new Value(items, line, col, tag);
    }
    budget.enter(n);
    try {
      return mapping((MappingNode) n, notes, budget, line, col, tag);
    } finally {
      budget.leave(n);
    }
  }

  private static Value mapping(MappingNode m, List<String> notes, Expansion budget, int line, int col, String tag) {
    Map<String, Value> merged = new LinkedHashMap<>();
    Map<String, Value> own = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      Node k = t.getKeyNode();
      String key = k instanceof ScalarNode ks ? ks.getValue() : "?";
      if (key.equals("<<")) { // a merge key, whether tagged !!merge or plain
        Value v = convert(t.getValueNode(), notes, budget);
        List<Value> sources = v.isList() ? v.list() : List.of(v);
        for (Value src : sources) src.map().forEach(merged::putIfAbsent); // earlier merge sources win
        continue;
      }
      if (own.containsKey(key)) {
        notes.add("duplicate key '" + key + "' at line " + (k.getStartMark().getLine() + 1) + ": the last value is used");
      }
      Value v = convert(t.getValueNode(), notes, budget);
      // a key's value is placed at the key (a block list or mapping starts on the lines below it)
      own.put(key, new Value(v.value(), k.getStartMark().getLine() + 1, k.getStartMark().getColumn() + 1, v.tag()));
    }
    Map<String, Value> out = new LinkedHashMap<>(merged);
    out.putAll(own);
    return new Value(out, line, col, tag);
  }
}
