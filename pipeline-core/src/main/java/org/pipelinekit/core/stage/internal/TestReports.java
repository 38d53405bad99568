package org.pipelinekit.core.stage.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads JUnit XML test reports (Surefire, Gradle, pytest, Jest's junit reporter all write them) and
 * coverage reports (Cobertura or JaCoCo XML, lcov, or a file holding just the percentage). XML is
 * read with a streaming parser that refuses DTDs and external entities.
 */
final class TestReports {
  private TestReports() {}

  /**
   * Test counts summed over report files, and the tests that failed or errored, by id ({@code classname.name}, or the
   * name alone when the case has no class), sorted, each once.
   */
  record Counts(int tests, int failures, int errors, int skipped, java.util.SortedSet<String> failed) {
    Counts {
      failed = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(failed));
    }

    Counts(int tests, int failures, int errors, int skipped) {
      this(tests, failures, errors, skipped, new java.util.TreeSet<>());
    }

    Counts plus(Counts o) {
      java.util.SortedSet<String> both = new java.util.TreeSet<>(failed);
      both.addAll(o.failed);
      return new Counts(tests + o.tests, failures + o.failures, errors + o.errors, skipped + o.skipped, both);
    }

    int passed() {
      return tests - failures - errors - skipped;
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }

  /** Counts {@code <testcase>} elements and their {@code <failure>}, {@code <error>} and {@code <skipped>} children. */
  static Counts junit(List<Path> files) throws IOException {
    Counts total = new Counts(0, 0, 0, 0);
    for (Path f : files) total = total.plus(junit(f));
    return total;
  }

  static Counts junit(Path file) throws IOException {
    int tests = 0;
    int failures = 0;
    int errors = 0;
    int skipped = 0;
    java.util.SortedSet<String> failed = new java.util.TreeSet<>();
    try (InputStream in = Files.newInputStream(file)) {
      XMLStreamReader r = factory().createXMLStreamReader(in);
      int depthInCase = 0;
      boolean caseCounted = false;
      String caseId = "";
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          String name = r.getLocalName();
          if (name.equals("testcase")) {
            tests++;
            depthInCase = 1;
            caseCounted = false;
            String cls = r.getAttributeValue(null, "classname");
            String test = r.getAttributeValue(null, "name");
            caseId = (cls == null || cls.isBlank() ? "" : cls.strip() + ".") + (test == null ? "test " + tests : test.strip());
          } else if (depthInCase > 0) {
            depthInCase++;
            if (!caseCounted) {
              switch (name) {
                case "failure" -> { failures++; caseCounted = true; failed.add(caseId); }
                case "error" -> { errors++; caseCounted = true; failed.add(caseId); }
                case "skipped" -> { skipped++; caseCounted = true; }
                default -> { }
              }
            }
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT && depthInCase > 0) {
          depthInCase--;
        }
      }
    } catch (XMLStreamException e) {
      throw new IOException(file + " is not a readable JUnit XML report: " + e.getMessage(), e);
    }
    return new Counts(tests, failures, errors, skipped, failed);
  }

  /** Line coverage in percent. */
  static Optional<Double> coverage(Path file) throws IOException {
    String head = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    String trimmed = head.strip();
    if (trimmed.startsWith("<")) return xmlCoverage(file);
    if (head.contains("\nLF:") || head.startsWith("LF:") || head.startsWith("TN:") || head.startsWith("SF:")) {
      long lf = 0;
      long lh = 0;
      for (String line : head.split("\n")) {
        if (line.startsWith("LF:")) lf += Long.parseLong(line.substring(3).strip());
        if (line.startsWith("LH:")) lh += Long.parseLong(line.substring(3).strip());
      }
      return lf == 0 ? Optional.of(0.0) : Optional.of(lh * 100.0 / lf);
    }
    try {
      return Optional.of(Double.parseDouble(trimmed.replace("%", "").strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Double> xmlCoverage(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      XMLStreamReader r = factory().createXMLStreamReader(in);
      int depth = 0;
      Optional<Double> jacoco = Optional.empty();
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = r.getLocalName();
          if (depth == 1 && name.equals("coverage")) {
            String rate = r.getAttributeValue(null, "line-rate");
            if (rate != null) return Optional.of(Double.parseDouble(rate) * 100);
          }
          // JaCoCo: the report-wide counters are the report element's direct children
          if (depth == 2 && name.equals("counter") && "LINE".equals(r.getAttributeValue(null, "type"))) {
            long missed = Long.parseLong(r.getAttributeValue(null, "missed"));
            long covered = Long.parseLong(r.getAttributeValue(null, "covered"));
            jacoco = Optional.of(missed + covered == 0 ? 0.0 : covered * 100.0 / (missed + covered));
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
      return jacoco;
    } catch (XMLStreamException | NumberFormatException e) {
      throw new IOException(file + " is not a readable coverage report: " + e.getMessage(), e);
    }
  }
}
