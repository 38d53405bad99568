// Stage groups shared by the Java services' pipelines. A script uses them with
//   @file:Import("shared/java.pipeline.kts")
//   import Java.mavenBuildAndTest
// (Kotlin 2.3 scripting needs shared functions inside an object.)

object Java {
    /**
     * Build once (the compiled classes cached per source hash), then test on every JDK the service supports, for the
     * Maven project in [dir] of the workspace.
     */
    fun PipelineScope.mavenBuildAndTest(after: String, dir: String, vararg jdks: String) {
        stage("build") {
            needs(after)
            mavenBuild { goals = "package"; arguments = "-B -DskipTests"; jdk = jdks.first(); workingDirectory = dir }
            cache {
                key = "classes-\${{ hashFiles('$dir/pom.xml', '$dir/src/main/**') }}"
                path("$dir/target/classes")
            }
            artifacts { name = "service-jar"; path("$dir/target/*.jar"); retention = 30.days }
        }
        stage("test") {
            needs("build")
            matrix { axis("jdk", *jdks); failFast = false }
            unitTests { command = "cd $dir && mvn -B verify"; report = "$dir/target/surefire-reports/*.xml" }
            artifacts { name = "test-reports-\${{ matrix.jdk }}"; path("$dir/target/surefire-reports/**"); retention = 7.days }
            retry { limit = 1; on(RetryOn.EXIT_CODE) }
            timeout = 30.minutes
        }
    }
}
