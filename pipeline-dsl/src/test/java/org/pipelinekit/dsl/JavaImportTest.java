package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.code.PipelineCode;

class JavaImportTest {
  @Test
  void readsAPipelineFromAHandWrittenServiceWithoutCompilingIt() {
    String code = """
        package com.acme.ci;

        import java.time.Duration;
        import org.pipelinekit.core.model.*;

        class Pipelines {
          /** The service's own CI, as the team wrote it. */
          static Pipeline ci() {
            return Pipeline.builder("acme-ci")
                .name("ACME " + "CI")
                .trigger(Trigger.push("main"))
                .stage("build", s -> {
                  s.type("maven-build");
                  s.with("goals", "verify");
                })
                .stage("deploy", s -> s.needs("build").timeout(Duration.ofMinutes(15)).run("./deploy.sh"))
                .build();
          }

          static int unrelated() { return helper() + 1; }
        }
        """;
    List<Pipeline> read = PipelineCode.readJava(code, "Pipelines.java");
    assertThat(read).containsExactly(Pipeline.builder("acme-ci").name("ACME CI")
        .trigger(org.pipelinekit.core.model.Trigger.push("main"))
        .stage("build", s -> s.type("maven-build").with("goals", "verify"))
        .stage("deploy", s -> s.needs("build").timeout(java.time.Duration.ofMinutes(15)).run("./deploy.sh"))
        .build());
  }

  @Test
  void reportsEveryNonLiteralConstructWithItsLine() {
    String code = """
        class Pipelines {
          static final String BRANCH = "main";

          static Pipeline ci(String env) {
            return Pipeline.builder("ci")
                .trigger(Trigger.push(BRANCH))
                .stage("deploy", s -> s.run("./deploy.sh " + env))
                .stage("notify", s -> s.run(Notifier.command()))
                .build();
          }
        }
        """;
    assertThatThrownBy(() -> PipelineCode.readJava(code, "Pipelines.java")).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.code()).isEqualTo("JAVA_IMPORT_INVALID");
      assertThat(e.getMessage()).isEqualTo(String.join("\n",
          "Pipelines.java:6: 'BRANCH' is not a literal; write its value in place",
          "Pipelines.java:7: 'env' is not a literal; write its value in place",
          "Pipelines.java:8: 'Notifier' is not a literal; write its value in place"));
    });
  }

  @Test
  void followsABuilderVariableThroughStatementsAndHelperMethods() {
    String code = """
        class Big {
          static Pipeline big() {
            Pipeline.Builder pipeline = Pipeline.builder("big").description("long");
            pipeline.stage("a", s -> s.run("make a"));
            more(pipeline);
            return pipeline.version(3L).build();
          }

          private static void more(Pipeline.Builder b) {
            b.stage("b", s -> s.needs("a").run("make b"));
          }
        }
        """;
    assertThat(PipelineCode.readJava(code, "Big.java")).containsExactly(Pipeline.builder("big").description("long")
        .stage("a", s -> s.run("make a")).stage("b", s -> s.needs("a").run("make b")).version(3L).build());
  }

  @Test
  void reportsOtherUsesOfTheBuilderVariable() {
    String code = """
        class Big {
          static Pipeline big() {
            Pipeline.Builder pipeline = Pipeline.builder("big");
            for (String id : ids()) pipeline.stage(id, s -> s.run("make"));
            return pipeline.build();
          }
        }
        """;
    assertThatThrownBy(() -> PipelineCode.readJava(code, "Big.java"))
        .hasMessageStartingWith("Big.java:4: only calls on the builder 'pipeline' may use it, not `for (String id : ids())");
  }

  @Test
  void reportsWhatTheBuildersRefuseWithTheLine() {
    String code = "class P {\n  static Pipeline p() {\n    return Pipeline.builder(\"ci\")\n        .stage(\"Bad Id\", s -> s.run(\"x\"))\n"
        + "        .build();\n  }\n}\n";
    assertThatThrownBy(() -> PipelineCode.readJava(code, "P.java"))
        .hasMessageStartingWith("P.java:4: stage id 'Bad Id' is not a valid id");
  }

  @Test
  void reportsSyntaxErrorsWithTheLine() {
    assertThatThrownBy(() -> PipelineCode.readJava("class P {\n  void x() { return Pipeline.builder(\"a\").build() }\n}\n", "P.java"))
        .hasMessageStartingWith("P.java:2: ");
  }
}
