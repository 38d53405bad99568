package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pipelinekit.imports.ImportReport.Outcome;
import org.pipelinekit.imports.YamlTree.Value;
import org.pipelinekit.core.validate.PipelineValidator;

/**
 * Every CI file imports without a crash: a pipeline and a report that accounts for every key of the source, or — for a
 * file that is not a configuration of its kind — an ImportException with its line. Prints the counts per kind. First the
 * fixtures the project writes itself (src/test/resources/ci-fixtures, in the shapes real projects use), always; then the
 * shared corpus of real files (MANIFEST.tsv) as an extra check when it is there (-Dpipelinekit.corpus, or
 * ../../shared/corpus), skipped with a message saying where it was looked for when it is not.
 */
class CorpusImportTest {
  private static Path corpus() {
    Path p = Path.of(System.getProperty("pipelinekit.corpus", "../../shared/corpus"));
    if (!Files.isRegularFile(p.resolve("MANIFEST.tsv"))) {
      System.out.println("CorpusImportTest: the shared corpus is not at " + p.toAbsolutePath().normalize() + ": its check is skipped"
          + " (the fixtures in src/test/resources/ci-fixtures were imported; -Dpipelinekit.corpus=DIR names another place)");
    }
    Assumptions.assumeTrue(Files.isRegularFile(p.resolve("MANIFEST.tsv")), "no shared corpus at " + p.toAbsolutePath().normalize()
        + " (-Dpipelinekit.corpus=DIR names one): only the fixtures were imported");
    return p;
  }

  @Test
  void everyFixtureImportsWithACompleteReportOrAClearError() throws Exception {
    int[] totals = importEveryFile(Path.of("src/test/resources/ci-fixtures"), "fixtures");
    assertThat(totals[0]).isGreaterThanOrEqualTo(10);
    assertThat(totals[1]).as("the malformed fixture and the action").isEqualTo(2);
  }

  @Test
  void everyCorpusFileImportsWithACompleteReportOrAClearError() throws Exception {
    int[] totals = importEveryFile(corpus(), "corpus");
    assertThat(totals[0]).isGreaterThanOrEqualTo(100);
  }

  /** Imports every file under root's gha, gha_actions, gitlab, bitbucket and jenkins directories: {files, refused}. */
  private static int[] importEveryFile(Path root, String name) throws Exception {
    Map<String, int[]> counts = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    int files = 0;
    int refused = 0;
    for (String dir : List.of("gha", "gha_actions", "gitlab", "bitbucket", "jenkins")) {
      if (!Files.isDirectory(root.resolve(dir))) continue;
      CiImport.Kind kind = switch (dir) {
        case "gha", "gha_actions" -> CiImport.Kind.GHA;
        default -> CiImport.Kind.of(dir);
      };
      try (var list = Files.list(root.resolve(dir))) {
        for (Path f : list.sorted().toList()) {
          files++;
          String text = Files.readString(f);
          int[] c = counts.computeIfAbsent(dir, k -> new int[4]);
          try {
            ImportResult r = CiImport.read(text, f.getFileName().toString(), kind, Optional.of(f.getParent()));
            c[0] += r.report().counts().get(Outcome.MAPPED);
            c[1] += r.report().counts().get(Outcome.APPROXIMATED);
            c[2] += r.report().counts().get(Outcome.UNSUPPORTED);
            c[3]++;
            // (a file of templates or includes only gives a pipeline without stages)
            PipelineValidator.builder().build().validate(r.pipeline()); // validating never throws either
            if (kind != CiImport.Kind.JENKINS) {
              // every key with a value is reported at itself or above; a mapping or list may be reported part by part
              for (Map.Entry<String, Boolean> key : keys(text, f.getFileName().toString()).entrySet()) {
                boolean accounted = key.getValue() ? r.report().touches(key.getKey()) : r.report().covers(key.getKey());
                if (!accounted) failures.add(f.getFileName() + ": key " + key.getKey() + " is not in the report");
              }
            }
          } catch (ImportException e) {
            refused++;
            assertThat(e.line()).as(f + ": " + e.getMessage()).isPositive();
            assertThat(e.getMessage()).as("the error names the file").startsWith(f.getFileName().toString() + ":");
            System.out.println("refused with a clear error: " + e.getMessage());
          } catch (RuntimeException e) {
            throw new AssertionError(f + " crashed the importer", e);
          }
        }
      }
    }
    counts.forEach((dir, c) -> System.out.printf("%s %-12s %3d imported: %5d mapped, %4d approximated, %4d unsupported keys%n",
        name, dir, c[3], c[0], c[1], c[2]));
    System.out.println(name + ": " + files + " files, " + refused + " refused with an error");
    assertThat(failures).as("keys dropped silently").isEmpty();
    return new int[] {files, refused};
  }

  /** Every mapping key of the file (the last document), by path as the importers name them: whether it holds a non-empty mapping or list. */
  private static Map<String, Boolean> keys(String text, String source) {
    List<Value> docs = YamlTree.read(text, source, new ArrayList<>());
    Map<String, Boolean> out = new LinkedHashMap<>();
    if (!docs.isEmpty()) walk(docs.get(docs.size() - 1), "", out);
    return out;
  }

  private static void walk(Value v, String at, Map<String, Boolean> out) {
    if (v.isMap()) {
      v.map().forEach((k, x) -> {
        String p = Importer.path(at, k);
        out.put(p, !x.map().isEmpty() || !x.list().isEmpty());
        walk(x, p, out);
      });
    } else if (v.isList()) {
      for (int i = 0; i < v.list().size(); i++) walk(v.list().get(i), Importer.path(at, i), out);
    }
  }
}
