// Stage groups shared by the Java services' pipelines. A script uses them with
//   @file:Import("shared/java.pipeline.kts")
//   import Java.mavenBuildAndTest
// (Kotlin 2.3 scripting needs shared functions inside an object.)

object Java {
    /** Build once, then test on every JDK the service supports, with the Maven repository cached per pom.xml. */
    fun PipelineScope.mavenBuildAndTest(after: String, vararg jdks: String) {
        stage("build") {
            needs(after)
            mavenBuild { goals = "package"; arguments = "-B -DskipTests"; jdk = jdks.first() }
            cache {
                key = "maven-\${{ hashFiles('**/pom.xml') }}"
                restoreKeys("maven-")
                path("~/.m2/repository")
            }
            artifacts { name = "service-jar"; path("target/*.jar"); retention = 30.days }
        }
        stage("test") {
            needs("build")
            matrix { axis("jdk", *jdks); failFast = false }
            unitTests { command = "mvn -B verify"; coverageThreshold = 80; report = "target/surefire-reports/*.xml" }
            cache { key = "maven-\${{ hashFiles('**/pom.xml') }}"; path("~/.m2/repository") }
            artifacts { name = "test-reports-\${{ matrix.jdk }}"; path("target/surefire-reports/**"); retention = 7.days }
            retry { limit = 1; on(RetryOn.EXIT_CODE) }
            timeout = 30.minutes
        }
    }
}
