package org.pipelinekit.imports;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did with each key of the source: mapped (same meaning), approximated (kept, with what changed) or
 * unsupported (not carried over, with where it was). Every key of the source is accounted for, at itself or at a key
 * above it, so nothing is dropped silently.
 */
public final class ImportReport {
  public enum Outcome { MAPPED, APPROXIMATED, UNSUPPORTED }

  /** One source key: its path ({@code jobs.build.steps[2].uses}), where it was, what became of it and why. */
  public record Entry(String path, int line, int column, Outcome outcome, String note) {
    /** A note is a whole sentence: the separators a note was built with do not dangle at its end. */
    public Entry {
      note = note == null ? "" : note.replaceAll("[;,\\s]+$", "");
    }

    @Override
    public String toString() {
      return String.format("%-12s %s (line %d%s)%s", outcome.name().toLowerCase(java.util.Locale.ROOT), path, line,
          column > 0 ? ", column " + column : "",
          note.isEmpty() ? "" : ": " + note);
    }
  }

  private final String kind;
  private final String source;
  private final List<Entry> entries = new ArrayList<>();

  ImportReport(String kind, String source) {
    this.kind = kind;
    this.source = source;
  }

  void add(String path, int line, int column, Outcome outcome, String note) {
    entries.add(new Entry(path, line, column, outcome, note));
  }

  /** The source format: gha, gitlab, bitbucket or jenkins. */
  public String kind() {
    return kind;
  }

  public String source() {
    return source;
  }

  public List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }

  public Map<Outcome, Integer> counts() {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) counts.put(o, 0);
    for (Entry e : entries) counts.merge(e.outcome(), 1, Integer::sum);
    return counts;
  }

  /** Whether a source key at {@code path} is accounted for: an entry at it or at a key above it. */
  public boolean covers(String path) {
    for (Entry e : entries) {
      String p = e.path();
      if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) return true;
    }
    return false;
  }

  /** Whether any entry is at {@code path}, above it or below it (a key whose parts were reported one by one). */
  boolean touches(String path) {
    if (covers(path)) return true;
    for (Entry e : entries) {
      String p = e.path();
      if (p.startsWith(path + ".") || p.startsWith(path + "[")) return true;
    }
    return false;
  }

  /** The report as text: a summary line, then an entry per line (approximated and unsupported first). */
  public String render() {
    Map<Outcome, Integer> c = counts();
    StringBuilder b = new StringBuilder();
    b.append(source).append(" (").append(kind).append("): ").append(c.get(Outcome.MAPPED)).append(" mapped, ")
        .append(c.get(Outcome.APPROXIMATED)).append(" approximated, ").append(c.get(Outcome.UNSUPPORTED)).append(" unsupported\n");
    for (Outcome o : List.of(Outcome.UNSUPPORTED, Outcome.APPROXIMATED, Outcome.MAPPED)) {
      for (Entry e : entries) if (e.outcome() == o) b.append("  ").append(e).append('\n');
    }
    return b.toString();
  }
}
