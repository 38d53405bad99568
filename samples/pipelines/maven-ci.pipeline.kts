// Continuous integration for a Java service built with Maven: clone, build once with the compiled
// classes cached by the sources' hash, test on two JDKs, scan dependencies, keep the jar. Runs
// offline from the checkout (the service is shipped as a git bundle; without osv-scanner the scan
// soft-fails, as continueOnError allows):
//   scripts/run.sh run samples/pipelines/maven-ci.pipeline.kts --branch main
//   scripts/run.sh export samples/pipelines/maven-ci.pipeline.kts --format yaml
@file:Import("shared/java.pipeline.kts")

import Java.mavenBuildAndTest

pipeline("maven-ci") {
    name = "Maven CI"
    description = "Build, test and package the greeter service"
    parameter("repository") {
        description = "The repository to build: a URL, or a path in the workspace"
        default = "samples/projects/java-maven.bundle"
    }
    trigger {
        push("main", "release/*")
        pullRequest("main")
    }
    env("MAVEN_OPTS", "-Xmx1g -XX:+UseParallelGC")
    defaults { timeout = 20.minutes; retry(1) }
    concurrency("maven-ci-\${{ branch }}", cancelInProgress = true)

    stage("checkout") {
        gitClone { repository = "\${{ params.repository }}"; branch = "main"; depth = 1; directory = "app" }
    }
    mavenBuildAndTest(after = "checkout", dir = "app", "17", "21")
    stage("dependency-scan") {
        needs("build")
        dependencyScan { tool = "osv-scanner"; manifest = "app/pom.xml"; failOn = "high" }
        continueOnError = true
    }
    stage("package") {
        needs("test", "dependency-scan")
        condition = "branch == 'main' && success()"
        run("cd app && mvn -B -DskipTests package && cp pom.xml target/greeter-\${{ stages.build.outputs.version }}.pom")
        artifacts { name = "release"; path("app/target/*.jar", "app/target/*.pom"); retention = 90.days }
    }
}
