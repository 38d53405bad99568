package org.pipelinekit.core.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.model.Backoff;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Concurrency;
import org.pipelinekit.core.model.Defaults;
import org.pipelinekit.core.model.Environment;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.ParameterType;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.RetryPolicy;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.TemplateOrigin;
import org.pipelinekit.core.model.Trigger;

/**
 * Random pipelines touching every part of the model, with text chosen to trip YAML and JSON up:
 * words YAML 1.1 reads as booleans or null, number-like text, leading and trailing spaces, line
 * breaks, quotes, comment and indicator characters, expressions and non-ASCII letters.
 */
public final class RandomPipelines {
  private static final List<String> TRICKY = List.of("yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "NULL",
      "17", "-3", "1.5", "1e3", "1.0E10", "0x1F", "0o17", "012", ".5", ".inf", "-.Inf", ".NaN", "", " ", " lead", "trail ",
      "a: b", "- item", "#hash", "x # y", "'single'", "\"double\"", "multi\nline", "ends with newline\n", "\ttab",
      "crlf\r\nline", "${{ params.x }}", "%{percent}", "${dollar}", "{ flow }", "[list]", "&anchor", "*alias", "!tag",
      "@at", "`tick`", "é✓ 漢字", "back\\slash", "|", ">", "? q", "---", "...", "a\u0007bell", "emoji \uD83D\uDE80");

  private RandomPipelines() {}

  public static Arbitrary<String> text() {
    return Arbitraries.oneOf(Arbitraries.of(TRICKY),
        Arbitraries.strings().withCharRange(' ', '~').withChars('\n', '\t', 'é', 'ß', '漢').ofMaxLength(24));
  }

  private static Arbitrary<String> nonBlank() {
    return text().filter(s -> !s.isBlank());
  }

  static Arbitrary<String> id() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('0', '9', '-', '_').ofMinLength(1).ofMaxLength(12)
        .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
  }

  private static Arbitrary<String> key() {
    return Arbitraries.oneOf(Arbitraries.strings().withCharRange('A', 'Z').withChars('_', '1').ofMinLength(1).ofMaxLength(8),
        Arbitraries.of("on", "yes", "null", "1", "with space", "dotted.key"));
  }

  private static Arbitrary<Map<String, String>> stringMap() {
    return Arbitraries.maps(key(), text()).ofMaxSize(3).map(LinkedHashMap::new);
  }

  private static Arbitrary<Duration> duration() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, 100_000).map(Duration::ofSeconds),
        Arbitraries.longs().between(1, 5000).map(Duration::ofMillis),
        Arbitraries.longs().between(1, 400).map(Duration::ofDays));
  }

  private static <T> Arbitrary<Optional<T>> opt(Arbitrary<T> a) {
    return a.optional(0.4);
  }

  /** Plain input values: text, whole and decimal numbers, booleans, lists and maps of them. */
  static Arbitrary<Object> value(int depth) {
    List<Arbitrary<?>> leaves = List.of(text(), Arbitraries.longs(),
        Arbitraries.doubles().between(-1e12, 1e12).ofScale(4).filter(d -> d != Math.rint(d)),
        Arbitraries.of(1e-7, 2.5e-300, 1.7976931348623157e308, -0.5, 123456.789, 1e20),
        Arbitraries.of(true, false));
    Arbitrary<Object> leaf = Arbitraries.oneOf(leaves).map(x -> (Object) x);
    if (depth == 0) return leaf;
    return Arbitraries.oneOf(leaf, value(depth - 1).list().ofMaxSize(3).map(x -> (Object) x),
        Arbitraries.maps(key(), value(depth - 1)).ofMaxSize(3).map(m -> (Object) new LinkedHashMap<>(m)));
  }

  private static Arbitrary<Parameter> parameter() {
    Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    return Arbitraries.oneOf(
        Combinators.combine(name, opt(text()), opt(text()), Arbitraries.of(true, false))
            .as((n, d, desc, r) -> new Parameter(n, ParameterType.STRING, d.map(x -> (Object) x), List.of(), desc, r)),
        Combinators.combine(name, opt(Arbitraries.longs().between(-1000, 1000)))
            .as((n, d) -> new Parameter(n, ParameterType.NUMBER, d.map(x -> (Object) x), List.of(), Optional.empty(), false)),
        Combinators.combine(name, opt(Arbitraries.of(true, false)))
            .as((n, d) -> new Parameter(n, ParameterType.BOOLEAN, d.map(x -> (Object) x), List.of(), Optional.empty(), false)),
        Combinators.combine(name, nonBlank().list().ofMinSize(1).ofMaxSize(4).uniqueElements())
            .as((n, o) -> new Parameter(n, ParameterType.CHOICE, Optional.of(o.get(0)), o, Optional.empty(), true)),
        Combinators.combine(name, text().list().ofMaxSize(3))
            .as((n, d) -> new Parameter(n, ParameterType.LIST, Optional.of(d), List.of(), Optional.empty(), false)));
  }

  private static Arbitrary<Trigger> trigger() {
    Arbitrary<List<String>> patterns = nonBlank().list().ofMaxSize(3);
    return Arbitraries.oneOf(
        Combinators.combine(patterns, patterns, patterns).as(Trigger.Push::new),
        Combinators.combine(patterns, patterns).as(Trigger.PullRequest::new),
        Combinators.combine(nonBlank(), opt(nonBlank())).as(Trigger.Schedule::new),
        Arbitraries.just(Trigger.manual()), Arbitraries.just(Trigger.api()),
        nonBlank().map(Trigger.Upstream::new));
  }

  private static Arbitrary<RetryPolicy> retry() {
    Arbitrary<Set<RetryOn>> on = Arbitraries.of(RetryOn.class).set().ofMinSize(1).map(s -> (Set<RetryOn>) EnumSet.copyOf(s));
    Arbitrary<Backoff> backoff = Arbitraries.oneOf(Arbitraries.just(Backoff.DEFAULT), Arbitraries.just(Backoff.NONE),
        Combinators.combine(Arbitraries.longs().between(0, 60), Arbitraries.of(1.0, 1.5, 2.0, 3.25), Arbitraries.longs().between(60, 600))
            .as((i, f, m) -> new Backoff(Duration.ofSeconds(i), f, Duration.ofSeconds(m))));
    return Combinators.combine(Arbitraries.integers().between(0, 5), on,
        Arbitraries.integers().between(1, 255).list().ofMaxSize(3), backoff)
        .as((limit, o, codes, b) -> new RetryPolicy(limit, o, o.contains(RetryOn.EXIT_CODE) ? codes : List.of(), b));
  }

  private static Arbitrary<Resources> resources() {
    return Combinators.combine(opt(Arbitraries.longs().between(1, 64_000)), opt(Arbitraries.longs().between(1, 1L << 40)))
        .as(Resources::new);
  }

  private static Arbitrary<Matrix> matrix() {
    Arbitrary<Map<String, List<String>>> axes = Arbitraries.maps(
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5), text().list().ofMinSize(1).ofMaxSize(3))
        .ofMinSize(1).ofMaxSize(3).map(LinkedHashMap::new);
    return Combinators.combine(axes, stringMap().list().ofMaxSize(2), stringMap().list().ofMaxSize(2),
        Arbitraries.of(true, false), opt(Arbitraries.integers().between(1, 8)))
        .as(Matrix::new);
  }

  private static Arbitrary<CacheSpec> cache() {
    return Combinators.combine(nonBlank(), nonBlank().list().ofMaxSize(2), nonBlank().list().ofMinSize(1).ofMaxSize(2),
        Arbitraries.of(CacheScope.class), Arbitraries.of(org.pipelinekit.core.model.CachePolicy.class)).as(CacheSpec::new);
  }

  private static Arbitrary<Environment> environment() {
    Arbitrary<Optional<Environment.Protection>> protection = opt(Combinators.combine(
        nonBlank().list().ofMaxSize(2), nonBlank().list().ofMaxSize(2)).as(Environment.Protection::new));
    return Combinators.combine(nonBlank(), opt(nonBlank()), stringMap(), protection).as(Environment::new);
  }

  private static Arbitrary<Step> step() {
    return Combinators.combine(opt(nonBlank()), nonBlank(), stringMap(), opt(nonBlank()), opt(duration()), opt(nonBlank()),
        Arbitraries.of(true, false)).as(Step::new);
  }

  /** Everything of a stage but its id and needs, which are wired once the ids are known. */
  private interface StagePart {
    Stage build(String id, List<String> needs);
  }

  private static Arbitrary<StagePart> stagePart() {
    Arbitrary<Map<String, Object>> inputs = Arbitraries.maps(key(), value(2)).ofMaxSize(4).map(LinkedHashMap::new);
    Arbitrary<Approval> approval = Combinators.combine(nonBlank().list().ofMaxSize(3), Arbitraries.integers().between(1, 3),
        opt(duration())).as(Approval::new);
    Arbitrary<ArtifactSpec> artifacts = Combinators.combine(opt(nonBlank()), nonBlank().list().ofMinSize(1).ofMaxSize(3),
        opt(duration()), Arbitraries.of(org.pipelinekit.core.model.ArtifactWhen.class)).as(ArtifactSpec::new);
    Arbitrary<List<Object>> basics = Combinators.combine(opt(nonBlank()), Arbitraries.of("shell", "maven-build", "custom-type"),
        opt(nonBlank()), opt(nonBlank()), inputs, stringMap(), opt(matrix()), opt(retry()))
        .as((name, type, when, image, with, env, m, r) -> List.<Object>of(name, type, when, image, with, env, m, r));
    Arbitrary<List<Object>> more = Combinators.combine(opt(duration()), opt(resources()), cache().list().ofMaxSize(2),
        opt(artifacts), opt(environment()), opt(approval), Arbitraries.of(0, 1, 2), nonBlank().list().ofMaxSize(2).uniqueElements())
        .as((t, res, caches, a, env, ap, coe, outputs) -> List.<Object>of(t, res, caches, a, env, ap, coe, outputs));
    return Combinators.combine(basics, more, step().list().ofMaxSize(3), opt(nonBlank()), Arbitraries.integers().between(0, 2))
        .as((x, y, steps, memo, deps) -> (id, needs) -> {
      Stage.Builder b = Stage.draft(id).needs(needs.toArray(String[]::new)).type((String) x.get(1)).with(cast(x.get(4)));
      if (deps == 1) b.dependencies(); // none: an empty list, which must survive the round trip
      if (deps == 2) b.dependencies(needs.toArray(String[]::new));
      RandomPipelines.<Optional<String>>cast(x.get(0)).ifPresent(b::name);
      RandomPipelines.<Optional<String>>cast(x.get(2)).ifPresent(b::when);
      RandomPipelines.<Optional<String>>cast(x.get(3)).ifPresent(b::image);
      RandomPipelines.<Map<String, String>>cast(x.get(5)).forEach(b::env);
      RandomPipelines.<Optional<Matrix>>cast(x.get(6)).ifPresent(b::matrix);
      RandomPipelines.<Optional<RetryPolicy>>cast(x.get(7)).ifPresent(b::retry);
      RandomPipelines.<Optional<Duration>>cast(y.get(0)).ifPresent(b::timeout);
      RandomPipelines.<Optional<Resources>>cast(y.get(1)).ifPresent(b::resources);
      RandomPipelines.<List<CacheSpec>>cast(y.get(2)).forEach(b::cache);
      RandomPipelines.<Optional<ArtifactSpec>>cast(y.get(3)).ifPresent(b::artifacts);
      RandomPipelines.<Optional<Environment>>cast(y.get(4)).ifPresent(b::environment);
      RandomPipelines.<Optional<Approval>>cast(y.get(5)).ifPresent(b::approval);
      int soft = (Integer) y.get(6); // 0: fails the pipeline, 1: any failure is soft, 2: only some exit codes
      if (soft == 1) b.continueOnError(true);
      if (soft == 2) b.continueOnErrorExitCodes(3, 137);
      memo.ifPresent(b::memoize);
      if (needs.size() % 2 == 1) b.runsOn("docker", "os=linux"); // a label list for the round trips
      if (deps == 1) b.gate("coverage", "outputs.coverage >= 80").gate("no-failures", "outputs.failures == '0'"); // quality gates too
      b.outputs(RandomPipelines.<List<String>>cast(y.get(7)).toArray(String[]::new));
      steps.forEach(b::step);
      return b.build();
    });
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static Arbitrary<List<Stage>> stages() {
    Arbitrary<List<Integer>> needMasks = Arbitraries.integers().between(0, 15).list().ofSize(5);
    return Combinators.combine(id().list().ofMaxSize(5).uniqueElements(), stagePart().list().ofSize(5), needMasks)
        .as((ids, parts, masks) -> {
          List<Stage> out = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            List<String> needs = new ArrayList<>();
            for (int k = 0; k < Math.min(i, 4); k++) {
              if ((masks.get(i) & (1 << k)) != 0) needs.add(ids.get(i - 1 - k));
            }
            out.add(parts.get(i).build(ids.get(i), needs));
          }
          return out;
        });
  }

  public static Arbitrary<Pipeline> pipelines() {
    Arbitrary<Defaults> defaults = Combinators.combine(opt(duration()), opt(retry()), opt(resources())).as(Defaults::new);
    Arbitrary<Concurrency> concurrency = Combinators.combine(nonBlank(), Arbitraries.of(true, false),
        opt(Arbitraries.integers().between(0, 50))).as(Concurrency::new);
    Arbitrary<Pipeline.Builder> head = Combinators.combine(id(), opt(nonBlank()), opt(text()), parameter().list().ofMaxSize(3),
        trigger().list().ofMaxSize(3), stringMap(), defaults, opt(duration()))
        .as((id, name, description, params, triggers, env, d, timeout) -> {
          Pipeline.Builder b = Pipeline.draft(id).defaults(d);
          name.ifPresent(b::name);
          description.ifPresent(b::description);
          params.forEach(b::parameter);
          triggers.forEach(b::trigger);
          env.forEach(b::env);
          timeout.ifPresent(b::timeout);
          return b;
        });
    Arbitrary<TemplateOrigin> template = Combinators.combine(key(), Arbitraries.of("1.0.0", "2.3.1"),
        Arbitraries.maps(key(), value(1)).ofMaxSize(3).map(LinkedHashMap::new)).as(TemplateOrigin::new);
    return Combinators.combine(head, opt(concurrency), opt(template), stages(), Arbitraries.longs().between(0, 1000))
        .as((b, c, t, stages, version) -> {
          if (version % 3 == 0) b.workspace(org.pipelinekit.core.model.WorkspaceMode.SHARED);
          c.ifPresent(b::concurrency);
          t.ifPresent(b::template);
          return b.stages(stages).version(version).build();
        });
  }
}
