// Continuous integration for a Java service built with Maven: clone, build once with the local
// Maven repository cached by the pom files' hash, test on two JDKs, scan dependencies, keep the jar.
//   pipelinekit validate samples/pipelines/maven-ci.pipeline.kts
//   pipelinekit export samples/pipelines/maven-ci.pipeline.kts --format yaml
@file:Import("shared/java.pipeline.kts")

import Java.mavenBuildAndTest

pipeline("maven-ci") {
    name = "Maven CI"
    description = "Build, test and package the orders service"
    trigger {
        push("main", "release/*")
        pullRequest("main")
    }
    env("MAVEN_OPTS", "-Xmx1g -XX:+UseParallelGC")
    defaults { timeout = 20.minutes; retry(1) }
    concurrency("maven-ci-\${{ branch }}", cancelInProgress = true)

    stage("checkout") {
        gitClone { repository = "https://git.example.org/acme/orders.git"; branch = "\${{ branch }}"; depth = 1 }
    }
    mavenBuildAndTest(after = "checkout", "17", "21")
    stage("dependency-scan") {
        needs("build")
        dependencyScan { tool = "osv-scanner"; manifest = "pom.xml"; failOn = "high" }
        continueOnError = true
    }
    stage("package") {
        needs("test", "dependency-scan")
        condition = "branch == 'main' && success()"
        run("mvn -B -DskipTests deploy -Drevision=\${{ stages.build.outputs.version }}")
        artifacts { name = "release"; path("target/*.jar", "target/*.pom"); retention = 90.days }
    }
}
