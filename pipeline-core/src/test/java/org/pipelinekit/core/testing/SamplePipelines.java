package org.pipelinekit.core.testing;

import java.time.Duration;
import org.pipelinekit.core.model.CacheScope;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.model.Trigger;

/** Pipelines the tests share. */
public final class SamplePipelines {
  private SamplePipelines() {}

  /** The example of DESIGN.md, using every part of the model. */
  public static Pipeline javaCi() {
    return Pipeline.builder("java-ci")
        .name("Java CI")
        .description("Build, test and deliver a Maven service")
        .parameter("target", p -> p.choice("staging", "production").defaultValue("staging"))
        .trigger(Trigger.push("main", "release/*"))
        .trigger(Trigger.schedule("0 3 * * *"))
        .trigger(Trigger.manual())
        .env("MAVEN_OPTS", "-Xmx1g")
        .defaults(d -> d.timeout(Duration.ofMinutes(30)).retry(1))
        .concurrency("java-ci-${{ branch }}", true)
        .stage("checkout", s -> s.type("git-clone")
            .with("repository", "https://example.org/app.git").with("branch", "main").with("depth", 1))
        .stage("build", s -> s.needs("checkout").type("maven-build").with("goals", "package")
            .cache(c -> c.key("maven-${{ hashFiles('**/pom.xml') }}").restoreKeys("maven-").path("~/.m2/repository"))
            .artifacts(a -> a.path("target/*.jar").retention(Duration.ofDays(30))))
        .stage("test", s -> s.needs("build").type("unit-tests")
            .with("command", "mvn -B verify").with("coverage_threshold", 80)
            .matrix(m -> m.axis("jdk", "17", "21").failFast(true))
            .retry(r -> r.limit(2).on(RetryOn.EXIT_CODE).backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30)))
            .timeout(Duration.ofMinutes(20))
            .resources("2", "4Gi"))
        .stage("deploy", s -> s.needs("test").when("branch == 'main' && success()")
            .environment("production", e -> e.url("https://app.example.org").variable("REGION", "eu-west-1").protectBranches("main"))
            .approval(a -> a.approvers("team-leads").timeout(Duration.ofHours(24)))
            .cache(c -> c.key("deploy-tools").path(".tools").scope(CacheScope.PROJECT))
            .env("TARGET", "${{ params.target }}")
            .step(st -> st.name("deploy").run("./deploy.sh ${{ stages.build.outputs.version }}").env("DRY_RUN", "false"))
            .run("echo done"))
        .build();
  }
}
