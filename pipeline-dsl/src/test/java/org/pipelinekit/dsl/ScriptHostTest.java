package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.script.PipelineScriptException;
import org.pipelinekit.dsl.script.PipelineScriptHost;
import org.pipelinekit.dsl.script.ScriptProblem;

class ScriptHostTest {
  @TempDir Path dir;

  @Test
  void evaluatesAScriptIntoPipelines() throws Exception {
    Path file = Files.writeString(dir.resolve("ci.pipeline.kts"), """
        pipeline("ci") {
            trigger { push("main") }
            stage("checkout") { gitClone { repository = "https://example.org/app.git"; depth = 1 } }
            stage("build") {
                needs("checkout")
                run("mvn -B package")
                cache { key = "m2-\\${{ hashFiles('**/pom.xml') }}"; path("~/.m2/repository") }
            }
            stage("test") { needs("build"); matrix { axis("jdk", "17", "21") }; retry(2); timeout = 20.minutes; run("mvn -B verify") }
        }
        """);
    List<Pipeline> pipelines = new PipelineScriptHost(dir.resolve("cache")).evaluate(file);
    Pipeline expected = Pipeline.builder("ci")
        .trigger(org.pipelinekit.core.model.Trigger.push("main"))
        .stage("checkout", s -> s.type("git-clone").with("repository", "https://example.org/app.git").with("depth", 1))
        .stage("build", s -> s.needs("checkout").run("mvn -B package")
            .cache(c -> c.key("m2-${{ hashFiles('**/pom.xml') }}").path("~/.m2/repository")))
        .stage("test", s -> s.needs("build").matrix(m -> m.axis("jdk", "17", "21")).retry(2).timeout(Duration.ofMinutes(20))
            .run("mvn -B verify"))
        .build();
    assertThat(pipelines).containsExactly(expected);
  }

  @Test
  void syntaxErrorsComeBackWithLineAndColumn() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.pipeline.kts"), "pipeline(\"ci\") {\n    stage(\"a\") { run(\"x\" }\n}\n");
    assertThatThrownBy(() -> new PipelineScriptHost().evaluate(file)).isInstanceOfSatisfying(PipelineScriptException.class, e -> {
      ScriptProblem first = e.getProblems().get(0);
      assertThat(first.getFile()).endsWith("broken.pipeline.kts");
      assertThat(first.getLine()).isEqualTo(2);
      assertThat(first.getColumn()).isPositive();
      assertThat(e.getMessage()).startsWith(file + ":2:").contains("error:").doesNotContain("\tat ");
    });
  }

  @Test
  void typeErrorsComeBackWithLineAndColumn() throws Exception {
    Path file = Files.writeString(dir.resolve("typed.pipeline.kts"),
        "pipeline(\"ci\") {\n    stage(\"a\") {\n        gitClone { depth = \"deep\" }\n    }\n}\n");
    assertThatThrownBy(() -> new PipelineScriptHost().evaluate(file)).isInstanceOfSatisfying(PipelineScriptException.class, e -> {
      assertThat(e.getMessage()).startsWith(file + ":3:").contains("error:").contains("String");
      assertThat(e.getProblems().get(0).getLine()).isEqualTo(3);
      assertThat(e.getProblems().get(0).getColumn()).isBetween(20, 30);
    });
  }

  @Test
  void errorsTheBuildersRaiseNameTheValue() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.pipeline.kts"), "pipeline(\"ci\") {\n    stage(\"Bad Id\") { run(\"x\") }\n}\n");
    assertThatThrownBy(() -> new PipelineScriptHost().evaluate(file)).isInstanceOf(PipelineScriptException.class)
        .hasMessageContaining("stage id 'Bad Id' is not a valid id");
  }

  @Test
  void importedScriptsShareStageGroups_andTheCacheServesUnchangedScripts() throws Exception {
    Files.writeString(dir.resolve("shared.pipeline.kts"), """
        object Java {
            fun PipelineScope.javaBuildAndTest(jdk: String) {
                stage("build") { run("mvn -B -Djdk=$jdk package") }
                stage("test") { needs("build"); run("mvn -B verify") }
            }
        }
        """);
    Path file = Files.writeString(dir.resolve("app.pipeline.kts"), """
        @file:Import("shared.pipeline.kts")
        import Java.javaBuildAndTest

        pipeline("app") {
            javaBuildAndTest("21")
            stage("ship") { needs("test"); run("./ship.sh") }
        }
        """);
    Path cache = dir.resolve("cache");
    List<Pipeline> first = new PipelineScriptHost(cache).evaluate(file);
    assertThat(first.get(0).stages()).extracting(org.pipelinekit.core.model.Stage::id).containsExactly("build", "test", "ship");
    assertThat(first.get(0).stage("build").orElseThrow().steps().get(0).run()).isEqualTo("mvn -B -Djdk=21 package");
    try (Stream<Path> jars = Files.list(cache)) {
      assertThat(jars.filter(p -> p.toString().endsWith(".jar"))).hasSize(1);
    }
    assertThat(new PipelineScriptHost(cache).evaluate(file)).isEqualTo(first);
    // changing the imported script changes the key: a second jar
    Files.writeString(dir.resolve("shared.pipeline.kts"), Files.readString(dir.resolve("shared.pipeline.kts")).replace("verify", "test"));
    assertThat(new PipelineScriptHost(cache).evaluate(file).get(0).stage("test").orElseThrow().steps().get(0).run())
        .isEqualTo("mvn -B test");
    try (Stream<Path> jars = Files.list(cache)) {
      assertThat(jars.filter(p -> p.toString().endsWith(".jar"))).hasSize(2);
    }
  }
}
