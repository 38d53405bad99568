package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.expr.Template;
import org.pipelinekit.core.validate.PipelineValidator;

/**
 * A bounded fuzz run of the readers of untrusted text in core: the pipeline format (YAML, JSON) and the
 * expression language, each fed real inputs (the project's own pipeline files) mutated at random — cut, repeated, spliced
 * with YAML's and the expressions' special characters, anchors and aliases, deep nesting. Every input
 * must end in a result or in the project's own error ({@link PipelineException}: located format,
 * import and expression errors), never another exception, in under 2 s of CPU. Surefire runs this class
 * alone with {@code -Xmx256m} (pipeline-core's pom), so an input that blows memory up fails the build.
 */
public class ReaderFuzzProperties {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> OUTCOMES =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  @AfterContainer
  public static void report() {
    OUTCOMES.forEach((what, n) -> System.out.println("fuzz " + what + ": " + n));
  }

  private static final List<String> SEEDS = List.of("native--java-ci.yaml", "native--java-ci.json", "native--design-example.yaml");

  private static final List<String> EXPRESSIONS = List.of("branch == 'main' && success()",
      "${{ stages.build.outputs.version }}-${{ matrix.jdk }}", "!(params.env == 'prod' || failure()) && always()",
      "startsWith(github.ref, 'refs/tags/') && contains(fromJSON('[1,2]'), 1)", "stages.test.outputs['coverage'] >= 80");

  private static final String[] SPLICES = {"{", "}", "[", "]", ":", ": ", ",", "&a ", "*a", "<<: *a", "!reference [", "|", ">", "- ",
      "'", "\"", "\n", "\n  ", "\t", "#", "%", "${{", "}}", "\\", "\u0000", "\uFEFF", "é", "&&", "||", "!", "(", ")", "==", "null", "~",
      "? ", "---\n", "...\n", "stages:", "id: ", "needs: [", "script: ", "steps:", "jobs:", "pipeline {", "stage('x') {"};

  /** A seed's text: {@code native--x} is the test resource pipelines/x, anything else fuzz-seeds/x. */
  public static String resource(String name) {
    String path = name.startsWith("native--") ? "/pipelines/" + name.substring(8) : "/fuzz-seeds/" + name;
    try (InputStream in = ReaderFuzzProperties.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fuzz seed " + path, e);
    }
  }

  @Provide
  Arbitrary<Input> inputs() {
    return inputs(SEEDS);
  }

  /** A seed's kind and a mutated copy of its text. */
  public record Input(String kind, String text) {
    @Override
    public String toString() {
      return kind + " (" + text.length() + " chars): " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  /** Inputs made from {@code seeds}: each a seed's kind (before {@code --}) and a mutated copy of its text. */
  public static Arbitrary<Input> inputs(List<String> seeds) {
    Arbitrary<String> seed = Arbitraries.of(seeds);
    Arbitrary<Integer> howMany = Arbitraries.integers().between(1, 12).withDistribution(net.jqwik.api.RandomDistribution.biased());
    return net.jqwik.api.Combinators.combine(seed, Arbitraries.longs(), howMany)
        .as((name, randomSeed, mutations) -> {
          String text = resource(name);
          return new Input(name.substring(0, name.indexOf("--")), mutate(text, new Random(randomSeed), mutations));
        });
  }

  @Provide
  Arbitrary<String> expressions() {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(EXPRESSIONS)),
        Tuple.of(3, net.jqwik.api.Combinators.combine(Arbitraries.of(EXPRESSIONS), Arbitraries.longs(), Arbitraries.integers().between(1, 8))
            .as((e, s, n) -> mutate(e, new Random(s), n))));
  }

  /** {@code text} with {@code mutations} random cuts, repeats, splices, deep nestings, moved lines and alias chains. */
  public static String mutate(String text, Random r, int mutations) {
    StringBuilder b = new StringBuilder(text);
    for (int i = 0; i < mutations; i++) {
      int at = b.length() == 0 ? 0 : r.nextInt(b.length() + 1);
      switch (r.nextInt(7)) {
        case 0 -> b.insert(at, SPLICES[r.nextInt(SPLICES.length)]);
        case 1 -> { // cut a range
          int end = Math.min(b.length(), at + 1 + r.nextInt(40));
          if (at < end) b.delete(at, end);
        }
        case 2 -> { // repeat a range
          int end = Math.min(b.length(), at + 1 + r.nextInt(80));
          if (at < end) b.insert(end, b.substring(at, end).repeat(1 + r.nextInt(5)));
        }
        case 3 -> b.insert(at, String.valueOf(SPLICES[r.nextInt(SPLICES.length)]).repeat(1 + r.nextInt(300))); // deep nesting
        case 4 -> { // move a line
          String[] lines = b.toString().split("\n", -1);
          if (lines.length > 2) {
            int x = r.nextInt(lines.length);
            int y = r.nextInt(lines.length);
            String t = lines[x];
            lines[x] = lines[y];
            lines[y] = t;
            b.setLength(0);
            b.append(String.join("\n", lines));
          }
        }
        case 5 -> { if (at < b.length()) b.setCharAt(at, (char) r.nextInt(0x3000)); }
        default -> b.insert(at, "&x" + i + " [a, *x" + Math.max(0, i - 1) + ", *x" + Math.max(0, i - 1) + "]\n");
      }
    }
    return b.toString();
  }

  /** Runs {@code read}, allowing only the project's own errors, within 2 s of this thread's CPU; counts the outcome. */
  public static void readsOrRefuses(String reader, Object input, Runnable read) {
    long start = CPU.getCurrentThreadCpuTime();
    try {
      read.run();
      OUTCOMES.computeIfAbsent(reader + ": read", k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    } catch (PipelineException expected) {
      OUTCOMES.computeIfAbsent(reader + ": refused (" + expected.getClass().getSimpleName() + ")",
          k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
      assertThat(expected.getMessage()).as("an error says what is wrong").isNotBlank();
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError("not the project's own error for " + input + ": " + e, e);
    }
    long cpuMillis = (CPU.getCurrentThreadCpuTime() - start) / 1_000_000;
    assertThat(cpuMillis).as("CPU time for " + input).isLessThan(2_000);
  }

  /**
   * Fixed seeds keep the build deterministic (a new finding should fail the change that looks for it, not an unrelated
   * one); to explore further, run this class with other seeds (remove {@code seed} locally): the self-referencing anchor
   * {@code &x0 [a, *x0]} was found that way.
   */
  @Property(tries = 2_000, seed = "20261206")
  void everyReader_endsInAResultOrItsOwnError(@ForAll("inputs") Input input) {
    readsOrRefuses("pipeline YAML", input, () -> PipelineValidator.create().validate(PipelineFormat.YAML.read(input.text())));
    readsOrRefuses("pipeline JSON", input, () -> PipelineFormat.JSON.read(input.text()));
  }

  @Property(tries = 2_000, seed = "20261206")
  void expressionsAndTemplates_parseOrRefuse(@ForAll("expressions") String text) {
    readsOrRefuses("template", text, () -> Template.parse(text).expressions().forEach(e -> e.references()));
    readsOrRefuses("expression", text, () -> org.pipelinekit.core.expr.Expression.parse(text));
  }
}
