package org.pipelinekit.dsl

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import org.pipelinekit.core.model.CacheScope
import org.pipelinekit.core.model.Pipeline
import org.pipelinekit.core.model.RetryOn
import org.pipelinekit.core.testing.SamplePipelines
import org.pipelinekit.core.validate.PipelineValidator

class DslTest {
    @Test
    fun `the DSL reaches every part of the model`() {
        val p = pipeline("java-ci") {
            name = "Java CI"
            description = "Build, test and deliver a Maven service"
            parameter("target") { choice("staging", "production"); default = "staging" }
            trigger {
                push("main", "release/*")
                schedule("0 3 * * *")
                manual()
            }
            env("MAVEN_OPTS", "-Xmx1g")
            defaults { timeout = 30.minutes; retry(1) }
            concurrency("java-ci-\${{ branch }}", cancelInProgress = true)
            stage("checkout") { gitClone { repository = "https://example.org/app.git"; branch = "main"; depth = 1 } }
            stage("build") {
                needs("checkout")
                mavenBuild { goals = "package" }
                cache { key = "maven-\${{ hashFiles('**/pom.xml') }}"; restoreKeys("maven-"); path("~/.m2/repository") }
                artifacts { path("target/*.jar"); retention = 30.days }
            }
            stage("test") {
                needs("build")
                unitTests { command = "mvn -B verify"; coverageThreshold = 80 }
                matrix { axis("jdk", "17", "21"); failFast = true }
                retry { limit = 2; on(RetryOn.EXIT_CODE); backoff(1.seconds, 2.0, 30.seconds) }
                timeout = 20.minutes
                resources(cpu = "2", memory = "4Gi")
            }
            stage("deploy") {
                needs("test")
                condition = "branch == 'main' && success()"
                environment("production") { url = "https://app.example.org"; variable("REGION", "eu-west-1"); protectBranches("main") }
                approval { approvers("team-leads"); timeout = 24.hours }
                cache { key = "deploy-tools"; path(".tools"); scope = CacheScope.PROJECT }
                env("TARGET", "\${{ params.target }}")
                step("./deploy.sh \${{ stages.build.outputs.version }}") { name = "deploy"; env("DRY_RUN", "false") }
                run("echo done")
            }
        }
        assertThat(p).isEqualTo(SamplePipelines.javaCi())
        assertThat(PipelineValidator.create().validate(p).problems()).isEmpty()
    }

    @Test
    fun `the builders' checks surface in the DSL, and draft mode defers them to the validator`() {
        assertThatThrownBy { pipeline("ci") { stage("Bad Id") { run("x") } } }
            .hasMessageStartingWith("stage id 'Bad Id' is not a valid id")
        val draft: Pipeline = pipeline("ci", draft = true) { stage("Bad Id") { run("x") } }
        assertThat(PipelineValidator.create().validate(draft).errors().map { it.code().name }).containsExactly("STAGE_ID_INVALID")
    }
}
