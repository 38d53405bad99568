package org.pipelinekit.core.stage.internal;

import static org.pipelinekit.core.spi.InputSpec.optional;
import static org.pipelinekit.core.spi.InputSpec.required;
import static org.pipelinekit.core.spi.InputSpec.withDefault;
import static org.pipelinekit.core.spi.StageCategory.BUILD;
import static org.pipelinekit.core.spi.StageCategory.DEPLOY;
import static org.pipelinekit.core.spi.StageCategory.NOTIFY;
import static org.pipelinekit.core.spi.StageCategory.SECURITY;
import static org.pipelinekit.core.spi.StageCategory.SOURCE;
import static org.pipelinekit.core.spi.StageCategory.TEST;
import static org.pipelinekit.core.spi.ValueSchema.DURATION;
import static org.pipelinekit.core.spi.ValueSchema.BOOLEAN;
import static org.pipelinekit.core.spi.ValueSchema.INTEGER;
import static org.pipelinekit.core.spi.ValueSchema.MAP;
import static org.pipelinekit.core.spi.ValueSchema.NUMBER;
import static org.pipelinekit.core.spi.ValueSchema.PATH;
import static org.pipelinekit.core.spi.ValueSchema.STRING;
import static org.pipelinekit.core.spi.ValueSchema.URL;
import static org.pipelinekit.core.spi.ValueSchema.choice;
import static org.pipelinekit.core.spi.ValueSchema.listOf;
import static org.pipelinekit.core.stage.internal.Shell.output;
import static org.pipelinekit.core.stage.internal.Shell.quote;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.StageCategory;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.spi.ValueSchema;

/**
 * The stage library of pipeline-core: the seed's list (source, build, test, security, deploy and
 * notify types) plus {@code shell}. The steps are plain POSIX shell commands that call the usual
 * tool of each ecosystem; a host replaces a type by registering its own provider without these.
 */
public final class BuiltinStageTypes implements StageTypeProvider {
  private static final ValueSchema SEVERITY = choice("low", "medium", "high", "critical");
  private static final ValueSchema STRINGS = listOf(STRING);

  @Override
  public String id() {
    return "pipeline-core built-ins";
  }

  @Override
  public Collection<StageType> stageTypes() {
    List<StageType> all = new ArrayList<>();
    all.add(shell());
    all.addAll(source());
    all.addAll(build());
    all.addAll(test());
    all.addAll(security());
    all.addAll(deploy());
    all.addAll(notification());
    return all;
  }

  private static DeclaredStageType type(String id, StageCategory category, String name, String description) {
    return new DeclaredStageType(id, category, name, description);
  }

  private static StageType shell() {
    return type("shell", BUILD, "Shell", "Runs the commands listed in steps, one after another, in the workspace.")
        .acceptingSteps();
  }

  private static List<StageType> source() {
    return List.of(
        type("git-clone", SOURCE, "Git Clone", "Clones a Git repository into the workspace.")
            .in(required("repository", URL, "Repository URL to clone"))
            .in(withDefault("branch", STRING, "main", "Branch or tag to check out"))
            .in(withDefault("depth", INTEGER, 1L, "Number of commits to fetch; 0 fetches the whole history"))
            .in(withDefault("submodules", BOOLEAN, false, "Also clone submodules"))
            .in(withDefault("directory", PATH, ".", "Where in the workspace to clone"))
            .out("source_dir", PATH, "Directory holding the sources")
            .out("commit", STRING, "SHA of the checked-out commit")
            .image("alpine/git")
            .handoff(in -> List.of(in.str("directory").equals(".") ? "**" : in.str("directory")))
            .planner(in -> List.of(Actions.gitClone(in.str("repository"), in.str("branch"), in.integer("depth"), in.bool("submodules"),
                in.str("directory"))))
            .steps(in -> List.of(
                Step.of("clone", "git clone"
                    + (in.integer("depth") > 0 ? " --depth " + in.integer("depth") : "")
                    + (in.bool("submodules") ? " --recurse-submodules" : "")
                    + " --branch " + in.q("branch") + " " + in.q("repository") + " " + in.q("directory")),
                Step.of("record commit", "cd " + in.q("directory") + " && " + output("commit", "$(git rev-parse HEAD)")
                    + " && " + output("source_dir", "$(pwd)")))),
        type("file-upload", SOURCE, "File Upload", "Takes files uploaded with the execution and checks their types.")
            .in(withDefault("accepted_types", STRINGS, List.of(), "Accepted file extensions such as .zip; empty accepts all"))
            .in(withDefault("directory", PATH, "uploads", "Workspace directory the uploaded files are placed in"))
            .in(optional("max_size", STRING, "Largest accepted file, such as 100Mi"))
            .out("uploaded_files", listOf(PATH), "Paths of the uploaded files")
            .steps(in -> List.of(Step.of("check uploads",
                "set -e; dir=" + in.q("directory") + "; test -d \"$dir\" || { echo \"no files were uploaded to $dir\" >&2; exit 1; }; "
                    + "accepted=" + quote(String.join(" ", in.list("accepted_types").stream().map(String::valueOf).toList())) + "; files=''; "
                    + "for f in \"$dir\"/*; do ok=; [ -z \"$accepted\" ] && ok=1; "
                    + "for ext in $accepted; do case \"$f\" in *\"$ext\") ok=1;; esac; done; "
                    + "[ -n \"$ok\" ] || { echo \"$f is not one of the accepted types: $accepted\" >&2; exit 1; }; "
                    + "files=\"$files${files:+,}$f\"; done; "
                    + output("uploaded_files", "$files")))),
        type("api-source", SOURCE, "API Source", "Fetches data from an HTTP API into the workspace.")
            .in(required("url", URL, "URL to fetch"))
            .in(withDefault("method", choice("GET", "POST", "PUT"), "GET", "HTTP method"))
            .in(withDefault("headers", MAP, Map.of(), "Request headers"))
            .in(optional("body", STRING, "Request body"))
            .in(withDefault("output_file", PATH, "api-response.json", "File the response body is written to"))
            .out("response_file", PATH, "File holding the response body")
            .out("status", INTEGER, "HTTP status code")
            .image("curlimages/curl")
            .steps(in -> List.of(Step.of("fetch", "status=$(curl -sS -o " + in.q("output_file") + " -w '%{http_code}' -X " + in.q("method")
                + headers(in.map("headers")) + (in.has("body") ? " --data " + in.q("body") : "") + " " + in.q("url") + ") && "
                + output("status", "$status") + " && " + output("response_file", in.str("output_file"))
                + " && case \"$status\" in 2*) ;; *) echo \"HTTP $status from " + in.str("url").replace("\"", "") + "\" >&2; exit 1;; esac"))));
  }

  private static List<StageType> build() {
    return List.of(
        type("docker-build", BUILD, "Docker Build", "Builds a container image from a Dockerfile.")
            .in(withDefault("dockerfile", PATH, "Dockerfile", "Path of the Dockerfile"))
            .in(withDefault("context", PATH, ".", "Build context directory"))
            .in(required("tags", STRINGS, "Image tags, such as registry.example.org/app:1.2"))
            .in(withDefault("build_args", MAP, Map.of(), "Build arguments"))
            .in(optional("target", STRING, "Target stage of a multi-stage Dockerfile"))
            .in(withDefault("push", BOOLEAN, false, "Push the tags after building"))
            .in(optional("registry_username", STRING, "The registry's user for the push; keep it in a secret: ${{ secrets.REGISTRY_USER }}"))
            .in(optional("registry_password", STRING, "The registry's password or token for the push: ${{ secrets.REGISTRY_TOKEN }}"))
            .out("image", STRING, "The first tag")
            .out("digest", STRING, "Image digest (sha256:...)")
            .planner(in -> List.of(Actions.unavailable("docker build", "stage type docker-build needs the Docker runner:"
                + " add DockerRunner from pipeline-docker to the executor")))
            .steps(in -> {
              StringBuilder cmd = new StringBuilder("docker build -f " + in.q("dockerfile"));
              in.list("tags").forEach(t -> cmd.append(" -t ").append(quote(String.valueOf(t))));
              in.map("build_args").forEach((k, v) -> cmd.append(" --build-arg ").append(quote(k + "=" + v)));
              if (in.has("target")) cmd.append(" --target ").append(in.q("target"));
              cmd.append(" ").append(in.q("context"));
              String first = quote(String.valueOf(in.list("tags").get(0)));
              List<Step> steps = new ArrayList<>(List.of(Step.of("build", cmd.toString())));
              if (in.bool("push")) {
                if (in.has("registry_username")) {
                  String first0 = String.valueOf(in.list("tags").get(0));
                  String host = first0.contains("/") && first0.substring(0, first0.indexOf('/')).matches(".*[.:].*|localhost")
                      ? first0.substring(0, first0.indexOf('/')) : "docker.io";
                  steps.add(Step.of("log in to " + host, "printf %s " + in.q("registry_password") + " | docker login --username "
                      + in.q("registry_username") + " --password-stdin " + quote(host)));
                }
                in.list("tags").forEach(t -> steps.add(Step.of("push " + t, "docker push " + quote(String.valueOf(t)))));
              }
              steps.add(Step.of("record image", output("image", in.list("tags").get(0).toString().replace("\"", ""))
                  + " && " + output("digest", "$(docker image inspect --format '{{.Id}}' " + first + ")")));
              return steps;
            }),
        type("node-build", BUILD, "Node Build", "Installs dependencies and runs an npm, yarn or pnpm script.")
            .in(withDefault("script", STRING, "build", "package.json script to run"))
            .in(withDefault("node_version", STRING, "20", "Node.js major version"))
            .in(withDefault("package_manager", choice("npm", "yarn", "pnpm"), "npm", "Package manager"))
            .in(withDefault("working_directory", PATH, ".", "Directory holding package.json"))
            .in(withDefault("dist_dir", PATH, "dist", "Directory the build writes to"))
            .in(withDefault("publish", BOOLEAN, false, "Publish the package after the build (npm publish)"))
            .in(withDefault("registry", URL, "https://registry.npmjs.org/", "The registry to publish to"))
            .in(optional("npm_token", STRING, "The registry's token, from a secret: ${{ secrets.NPM_TOKEN }}"))
            .out("dist_dir", PATH, "Directory holding the build output")
            .out("published", STRING, "name@version, when published")
            .image("node:20")
            .steps(in -> {
              String pm = in.str("package_manager");
              String install = switch (pm) {
                case "yarn" -> "yarn install --frozen-lockfile";
                case "pnpm" -> "pnpm install --frozen-lockfile";
                default -> "npm ci";
              };
              String cd = "cd " + in.q("working_directory") + " && ";
              List<Step> steps = new ArrayList<>(List.of(
                  Step.of("install", cd + install),
                  Step.of("build", cd + pm + " run " + in.q("script")),
                  Step.of("record output", cd + output("dist_dir", "$(pwd)/" + in.str("dist_dir").replace("\"", "")))));
              if (in.bool("publish")) {
                // the registry and its token in an npm config file of this step's own, removed after it (never ~/.npmrc)
                String registry = in.str("registry").endsWith("/") ? in.str("registry") : in.str("registry") + "/";
                String auth = in.has("npm_token") ? "//" + registry.replaceFirst("^[a-z]+://", "") + ":_authToken=" + in.str("npm_token") + "\n" : "";
                steps.add(Step.of("publish", "config=$(mktemp) && printf '%b' " + quote("registry=" + registry + "\n" + auth) + " > \"$config\" && ("
                    + cd + "npm publish --userconfig \"$config\" --registry " + quote(registry) + "); code=$?; rm -f \"$config\"; [ $code -eq 0 ]"
                    + " && " + cd + output("published", "$(node -p \"require('./package.json').name + '@' + require('./package.json').version\")")
                    + "; [ $code -eq 0 ]"));
              }
              return steps;
            }),
        type("python-build", BUILD, "Python Build", "Installs requirements and builds a wheel.")
            .in(withDefault("requirements", PATH, "requirements.txt", "Requirements file"))
            .in(withDefault("python_version", STRING, "3.11", "Python version"))
            .in(withDefault("build_command", STRING, "python3 -m pip wheel --no-deps -w dist .", "Command that builds the wheel"))
            .in(withDefault("working_directory", PATH, ".", "Project directory"))
            .out("wheel", PATH, "The built wheel")
            .image("python:3.11")
            .steps(in -> {
              String cd = "cd " + in.q("working_directory") + " && ";
              return List.of(
                  Step.of("install", cd + "if [ -f " + in.q("requirements") + " ]; then python3 -m pip install -r "
                      + in.q("requirements") + "; fi"),
                  Step.of("build", cd + in.str("build_command")),
                  Step.of("record wheel", cd + output("wheel", "$(ls -1 \"$(pwd)\"/dist/*.whl 2>/dev/null | head -n 1)")));
            }),
        type("go-build", BUILD, "Go Build", "Builds Go packages.")
            .in(withDefault("go_version", STRING, "1.22", "Go version"))
            .in(withDefault("packages", STRING, "./...", "Packages to build"))
            .in(withDefault("output", PATH, "bin/", "Where binaries go"))
            .in(optional("ldflags", STRING, "Linker flags"))
            .in(withDefault("working_directory", PATH, ".", "Module directory"))
            .out("binary", PATH, "Directory or file of the built binaries")
            .image("golang:1.22")
            .steps(in -> List.of(Step.of("build", "cd " + in.q("working_directory") + " && go build -o " + in.q("output")
                + (in.has("ldflags") ? " -ldflags " + in.q("ldflags") : "") + " " + in.str("packages")
                + " && " + output("binary", "$(pwd)/" + in.str("output").replace("\"", ""))))),
        type("maven-build", BUILD, "Maven Build", "Runs Maven goals.")
            .in(withDefault("goals", STRING, "package", "Goals and phases to run"))
            .in(withDefault("jdk", STRING, "17", "Java version"))
            .in(withDefault("arguments", STRING, "-B", "Extra Maven arguments"))
            .in(withDefault("working_directory", PATH, ".", "Directory holding pom.xml"))
            .in(optional("deploy_repository", URL, "Where mvn deploy puts the artifacts (https://repo.example.org/releases, file:///…);"
                + " add deploy to goals"))
            .in(optional("repository_username", STRING, "The deploy repository's user, from a secret"))
            .in(optional("repository_password", STRING, "The deploy repository's password or token, from a secret"))
            .out("version", STRING, "The project's version")
            .out("artifact", PATH, "The main built artifact")
            .image("maven:3-eclipse-temurin-17")
            .steps(in -> {
              String cd = "cd " + in.q("working_directory") + " && ";
              String mvn = "mvn " + in.str("arguments") + " " + in.str("goals");
              String maven = cd + mvn;
              if (in.has("deploy_repository")) {
                String to = " -DaltDeploymentRepository=pipelinekit-deploy::default::" + in.q("deploy_repository");
                maven = cd + mvn + to;
                if (in.has("repository_username")) {
                  // the repository's credentials as server pipelinekit-deploy in a settings file of this step's own, removed after it
                  maven = "settings=$(mktemp) && printf '%s' " + quote("<settings><servers><server><id>pipelinekit-deploy</id><username>"
                      + xml(in.str("repository_username")) + "</username><password>" + xml(in.str("repository_password"))
                      + "</password></server></servers></settings>") + " > \"$settings\" && (" + cd + mvn + to + " -s \"$settings\"); code=$?;"
                      + " rm -f \"$settings\"; exit $code";
                }
              }
              return List.of(
                  Step.of("maven", maven),
                  Step.of("record version", cd + output("version",
                      "$(mvn -q -B help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null | tr -d '\\033' | sed 's/\\[[0-9;]*m//g')")
                      + " && " + output("artifact", "$(ls -1 \"$(pwd)\"/target/*.jar 2>/dev/null | head -n 1)")));
            }),
        type("gradle-build", BUILD, "Gradle Build", "Runs Gradle tasks with the project's wrapper.")
            .in(withDefault("tasks", STRING, "build", "Tasks to run"))
            .in(withDefault("jdk", STRING, "17", "Java version"))
            .in(withDefault("arguments", STRING, "--no-daemon", "Extra Gradle arguments"))
            .in(withDefault("working_directory", PATH, ".", "Directory holding the build"))
            .out("artifact", PATH, "The main built artifact")
            .image("gradle:8-jdk17")
            .steps(in -> {
              String cd = "cd " + in.q("working_directory") + " && ";
              return List.of(
                  Step.of("gradle", cd + "if [ -x ./gradlew ]; then ./gradlew " + in.str("arguments") + " " + in.str("tasks")
                      + "; else gradle " + in.str("arguments") + " " + in.str("tasks") + "; fi"),
                  Step.of("record artifact", cd + output("artifact", "$(ls -1 \"$(pwd)\"/build/libs/*.jar 2>/dev/null | head -n 1)")));
            }));
  }

  private static List<StageType> test() {
    ValueSchema service = ValueSchema.object(
        required("name", STRING, "Host name the tests reach the service by"),
        required("image", STRING, "Container image"),
        withDefault("ports", listOf(INTEGER), List.of(), "Ports the service listens on"),
        withDefault("env", MAP, Map.of(), "Environment of the service"),
        optional("command", STRING, "Command overriding the image's"),
        optional("health", STRING, "Command run inside the service that succeeds once it is ready"
            + " (default: the image's health check, else wait until its ports listen)"));
    ValueSchema results = ValueSchema.object(
        required("passed", INTEGER, "Tests that passed"),
        required("failed", INTEGER, "Tests that failed"),
        required("skipped", INTEGER, "Tests that were skipped"));
    return List.of(
        type("unit-tests", TEST, "Unit Tests", "Runs the unit tests, reads their JUnit XML reports and checks coverage.")
            .in(required("command", STRING, "Command that runs the tests"))
            .in(optional("coverage_threshold", NUMBER, "Lowest accepted line coverage in percent"))
            .in(optional("coverage_file", PATH, "Coverage report to read: Cobertura/JaCoCo XML, lcov, or a file holding the percentage"))
            .in(withDefault("report", PATH, "**/TEST-*.xml", "JUnit XML reports to read (a glob in the workspace)"))
            .in(withDefault("fail_on_failures", BOOLEAN, true, "Fail the stage when a test fails; false leaves it to the stage's"
                + " gates, such as no new failures: branch == 'main' || added(outputs.failed_tests, baseline.outputs.failed_tests) == 0"))
            .out("passed", BOOLEAN, "Whether the tests passed (and coverage met the threshold)")
            .out("tests", INTEGER, "Number of tests in the reports")
            .out("failures", INTEGER, "Failed and errored tests in the reports")
            .out("failed_tests", STRING, "The failed and errored tests (class.name), one a line, the first 200")
            .out("coverage", NUMBER, "Line coverage in percent")
            .out("report", PATH, "The test report")
            .steps(in -> List.of(Step.of("test", in.str("command"))))
            .planner(in -> List.of(
                // a subshell, so an `exit` in the command ends only the command and the reports are still read
                new PlannedStep.Command(Step.of("test", "(\n" + in.str("command") + "\n)\ncode=$?; "
                    + output("command_exit", "$code") + "; exit 0")),
                Actions.testReports(in.str("report"), in.optional("coverage_file"),
                    in.optional("coverage_threshold").map(Double::parseDouble), in.bool("fail_on_failures")))),
        type("integration-tests", TEST, "Integration Tests", "Starts service containers and runs tests against them.")
            .in(withDefault("services", listOf(service), List.of(), "Services started before the tests and stopped after"))
            .in(required("test_command", STRING, "Command that runs the tests"))
            .out("results", results, "Counts of passed, failed and skipped tests")
            .steps(in -> List.of(Step.of("test", in.str("test_command"))))
            .planner(in -> in.list("services").isEmpty()
                ? List.of(new PlannedStep.Command(Step.of("test", in.str("test_command"))))
                : List.of(Actions.unavailable("start services", "service containers need the Docker runner:"
                    + " add DockerRunner from pipeline-docker to the executor"))),
        type("e2e-tests", TEST, "End-to-end Tests", "Starts the application and runs browser tests against it.")
            .in(required("command", STRING, "Command that runs the end-to-end tests"))
            .in(optional("start_command", STRING, "Command that starts the application in the background"))
            .in(optional("base_url", URL, "URL the tests open; waited for before the tests start"))
            .in(withDefault("browser", choice("chromium", "firefox", "webkit"), "chromium", "Browser to test in"))
            .out("passed", BOOLEAN, "Whether the tests passed")
            .out("report", PATH, "The test report")
            .steps(in -> {
              List<Step> steps = new ArrayList<>();
              String prefix = in.has("start_command") ? "(" + in.str("start_command") + ") & app=$!; trap 'kill $app' EXIT; " : "";
              String wait = in.has("base_url") ? "for i in $(seq 60); do curl -fsS -o /dev/null " + in.q("base_url")
                  + " && break; sleep 1; done; " : "";
              steps.add(Step.of("e2e", prefix + wait + "export BROWSER=" + in.q("browser") + "; if " + in.str("command")
                  + "; then " + output("passed", "true") + "; else " + output("passed", "false") + "; exit 1; fi"));
              return steps;
            }));
  }

  private static List<StageType> security() {
    return List.of(
        type("sast", SECURITY, "Static Analysis (SAST)", "Scans the source code for security flaws.")
            .in(withDefault("tool", choice("semgrep", "codeql", "spotbugs", "bandit", "gosec"), "semgrep", "Scanner"))
            .in(withDefault("paths", listOf(PATH), List.of("."), "What to scan"))
            .in(optional("config", STRING, "Rule set or configuration"))
            .in(withDefault("fail_on", SEVERITY, "high", "Fail when a finding is at least this severe"))
            .in(withDefault("report", PATH, "sast-report.json", "Report file"))
            .out("findings", INTEGER, "Number of findings at or above fail_on")
            .out("report", PATH, "The report")
            .steps(in -> List.of(Step.of("scan", switch (in.str("tool")) {
              case "semgrep" -> "semgrep scan --json -o " + in.q("report") + " --severity " + semgrepSeverity(in.str("fail_on"))
                  + (in.has("config") ? " --config " + in.q("config") : " --config auto") + " --error " + in.words("paths");
              case "bandit" -> "bandit -r -f json -o " + in.q("report") + " " + in.words("paths");
              case "gosec" -> "gosec -fmt json -out " + in.q("report") + " " + in.words("paths");
              case "spotbugs" -> "mvn -B com.github.spotbugs:spotbugs-maven-plugin:check";
              default -> "codeql database create codeql-db --source-root . && codeql database analyze codeql-db --format=sarif-latest --output "
                  + in.q("report");
            }), Step.of("record report", output("report", in.str("report").replace("\"", ""))))),
        type("dast", SECURITY, "Dynamic Analysis (DAST)", "Scans a running application for vulnerabilities.")
            .in(required("target_url", URL, "URL of the running application"))
            .in(withDefault("tool", choice("zap", "nuclei"), "zap", "Scanner"))
            .in(withDefault("scan_type", choice("baseline", "full", "api"), "baseline", "How deep to scan"))
            .in(withDefault("fail_on", SEVERITY, "high", "Fail when a finding is at least this severe"))
            .in(withDefault("report", PATH, "dast-report.json", "Report file"))
            .out("findings", INTEGER, "Number of findings at or above fail_on")
            .out("report", PATH, "The report")
            .steps(in -> List.of(Step.of("scan", in.str("tool").equals("zap")
                ? "zap-" + in.str("scan_type") + ".py -t " + in.q("target_url") + " -J " + in.q("report")
                : "nuclei -u " + in.q("target_url") + " -severity " + in.q("fail_on") + " -json-export " + in.q("report")),
                Step.of("record report", output("report", in.str("report").replace("\"", ""))))),
        type("dependency-scan", SECURITY, "Dependency Scan", "Checks dependencies against known vulnerabilities.")
            .in(withDefault("tool", choice("osv-scanner", "trivy", "npm-audit", "owasp-dependency-check"), "osv-scanner", "Scanner"))
            .in(optional("manifest", PATH, "Lockfile or manifest to scan; the whole workspace when empty"))
            .in(withDefault("fail_on", SEVERITY, "high", "Fail when a vulnerability is at least this severe"))
            .in(withDefault("report", PATH, "dependency-report.json", "Report file"))
            .out("vulnerabilities", INTEGER, "Number of vulnerabilities at or above fail_on")
            .out("report", PATH, "The report")
            .steps(in -> List.of(Step.of("scan", switch (in.str("tool")) {
              case "trivy" -> "trivy fs --format json --output " + in.q("report") + " --severity " + trivySeverity(in.str("fail_on"))
                  + " --exit-code 1 " + (in.has("manifest") ? in.q("manifest") : ".");
              case "npm-audit" -> "npm audit --json --audit-level=" + in.q("fail_on") + " > " + in.q("report");
              case "owasp-dependency-check" -> "dependency-check.sh --scan " + (in.has("manifest") ? in.q("manifest") : ".")
                  + " --format JSON --out " + in.q("report") + " --failOnCVSS " + cvss(in.str("fail_on"));
              default -> "osv-scanner --format json --output " + in.q("report") + " "
                  + (in.has("manifest") ? "--lockfile " + in.q("manifest") : "-r .");
            }), Step.of("record report", output("report", in.str("report").replace("\"", ""))))));
  }

  private static List<StageType> deploy() {
    return List.of(
        type("deploy-cloud", DEPLOY, "Deploy to Cloud", "Deploys a service to AWS, Google Cloud or Azure.")
            .in(required("provider", choice("aws", "gcp", "azure"), "Cloud provider"))
            .in(required("region", STRING, "Region, such as eu-west-1"))
            .in(required("service", STRING, "Name of the service to deploy"))
            .in(optional("image", STRING, "Container image to deploy; the source in the workspace when empty"))
            .out("endpoint", URL, "URL of the deployed service")
            .planner(in -> List.of(Actions.unavailable("deploy", "stage type deploy-cloud has no deployment integration yet;"
                + " run your provider's CLI (aws, gcloud, az) in a shell stage")))
            .steps(in -> List.of(Step.of("deploy", switch (in.str("provider")) {
              case "aws" -> "aws apprunner start-deployment --region " + in.q("region") + " --service-arn \"$(aws apprunner list-services --region "
                  + in.q("region") + " --query \"ServiceSummaryList[?ServiceName=='" + in.str("service").replace("'", "") + "'].ServiceArn\" --output text)\""
                  + " && " + output("endpoint", "https://$(aws apprunner describe-service --region " + in.q("region")
                  + " --service-arn \"$(aws apprunner list-services --region " + in.q("region") + " --query \"ServiceSummaryList[?ServiceName=='"
                  + in.str("service").replace("'", "") + "'].ServiceArn\" --output text)\" --query Service.ServiceUrl --output text)");
              case "gcp" -> "gcloud run deploy " + in.q("service") + " --region " + in.q("region")
                  + (in.has("image") ? " --image " + in.q("image") : " --source .") + " --quiet && "
                  + output("endpoint", "$(gcloud run services describe " + in.q("service") + " --region " + in.q("region")
                  + " --format 'value(status.url)')");
              default -> "az containerapp up --name " + in.q("service") + " --location " + in.q("region")
                  + (in.has("image") ? " --image " + in.q("image") : " --source .") + " && "
                  + output("endpoint", "https://$(az containerapp show --name " + in.q("service")
                  + " --query properties.configuration.ingress.fqdn -o tsv)");
            }))),
        type("deploy-edge", DEPLOY, "Deploy to Edge", "Publishes static files or functions to edge locations.")
            .in(required("regions", STRINGS, "Edge regions, such as eu, us, apac; [all] for every region"))
            .in(withDefault("strategy", choice("all-at-once", "rolling", "canary", "blue-green"), "rolling", "How the new version reaches the regions"))
            .in(withDefault("provider", choice("cloudflare", "fastly", "netlify", "vercel", "s3"), "cloudflare", "Edge provider, or s3 for"
                + " an S3-compatible bucket behind a CDN (with pipeline-s3)"))
            .in(withDefault("directory", PATH, "dist", "What to publish"))
            .in(optional("bucket", STRING, "s3: the bucket"))
            .in(optional("prefix", STRING, "s3: where in the bucket (a key prefix)"))
            .in(optional("endpoint", URL, "s3: the S3 API's address, for MinIO, Ceph or R2 (default: AWS)"))
            .in(optional("region", STRING, "s3: the bucket's region (default: us-east-1)"))
            .in(optional("access_key", STRING, "s3: the access key id, from a secret (default: the host's AWS credentials)"))
            .in(optional("secret_key", STRING, "s3: the secret access key, from a secret"))
            .in(optional("public_url", URL, "s3: the address the published files are served at (the deployments' url)"))
            .out("deployments", listOf(ValueSchema.object(
                required("region", STRING, "Region"), required("url", URL, "Deployed URL"))), "One entry per region")
            .planner(in -> List.of(Actions.unavailable("publish", in.str("provider").equals("s3")
                ? "stage type deploy-edge publishes to S3 with pipeline-s3: add it to the host (its stage types are found by ServiceLoader)"
                : "stage type deploy-edge has no " + in.str("provider") + " integration; run your provider's CLI (wrangler, netlify,"
                    + " vercel) in a shell stage")))
            .steps(in -> List.of(Step.of("publish", "for region in " + in.words("regions") + "; do echo \"publishing "
                + in.str("directory").replace("\"", "") + " to $region (" + in.str("strategy") + ")\"; "
                + switch (in.str("provider")) {
                  case "fastly" -> "fastly compute publish --non-interactive";
                  case "netlify" -> "netlify deploy --prod --dir " + in.q("directory");
                  case "vercel" -> "vercel deploy --prod " + in.q("directory") + " --regions \"$region\"";
                  case "s3" -> "aws s3 sync --delete " + in.q("directory") + " " + quote("s3://" + in.str("bucket") + "/" + (in.has("prefix")
                      ? in.str("prefix") : ""));
                  default -> "wrangler pages deploy " + in.q("directory");
                } + " || exit 1; done"))),
        type("deploy-container", DEPLOY, "Deploy Container", "Rolls out a container image to Kubernetes, ECS or Cloud Run.")
            .in(required("image", STRING, "Image to deploy"))
            .in(required("name", STRING, "Deployment or service name"))
            .in(withDefault("platform", choice("kubernetes", "ecs", "cloud-run", "docker"), "kubernetes", "Where to deploy"))
            .in(withDefault("namespace", STRING, "default", "Kubernetes namespace"))
            .in(withDefault("replicas", INTEGER, 1L, "Number of replicas"))
            .in(optional("manifest", PATH, "Kubernetes manifest to apply before the image is set"))
            .in(optional("container", STRING, "The Deployment's container that gets the image (default: the one named like the Deployment, else its first)"))
            .in(withDefault("rollout_timeout", DURATION, "5m", "How long the rollout may take before it is rolled back"))
            .out("revision", STRING, "Deployed revision")
            .out("endpoint", URL, "URL of the service, when it has one")
            .image("bitnami/kubectl")
            .planner(in -> List.of(Actions.unavailable("deploy", in.str("platform").equals("kubernetes")
                ? "stage type deploy-container deploys to Kubernetes with pipeline-kubernetes: add it to the host (its stage types are found"
                    + " by ServiceLoader), or run kubectl in a shell stage"
                : "stage type deploy-container has no " + in.str("platform") + " integration; run your platform's CLI in a shell stage")))
            .steps(in -> List.of(Step.of("deploy", switch (in.str("platform")) {
              case "ecs" -> "aws ecs update-service --service " + in.q("name") + " --desired-count " + in.integer("replicas")
                  + " --force-new-deployment";
              case "cloud-run" -> "gcloud run deploy " + in.q("name") + " --image " + in.q("image") + " --quiet";
              case "docker" -> "docker rm -f " + in.q("name") + " 2>/dev/null; docker run -d --name " + in.q("name") + " " + in.q("image");
              default -> (in.has("manifest") ? "kubectl apply -n " + in.q("namespace") + " -f " + in.q("manifest") + " && " : "")
                  + "kubectl -n " + in.q("namespace") + " set image deployment/" + in.q("name") + " " + in.q("name") + "=" + in.q("image")
                  + " && kubectl -n " + in.q("namespace") + " scale deployment/" + in.q("name") + " --replicas=" + in.integer("replicas")
                  + " && kubectl -n " + in.q("namespace") + " rollout status deployment/" + in.q("name")
                  + " && " + output("revision", "$(kubectl -n " + in.q("namespace") + " rollout history deployment/" + in.q("name")
                  + " | tail -n 2 | head -n 1 | cut -d' ' -f1)");
            }))));
  }

  /** Text for an XML element's content. */
  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static List<StageType> notification() {
    return List.of(
        type("slack", NOTIFY, "Slack", "Posts a message to a Slack channel through an incoming webhook.")
            .in(required("webhook_url", STRING, "Incoming webhook URL; keep it in a secret: ${{ secrets.SLACK_WEBHOOK }}"))
            .in(required("message", STRING, "Message text"))
            .in(optional("channel", STRING, "Channel overriding the webhook's default"))
            .out("sent", BOOLEAN, "Whether Slack accepted the message")
            .image("curlimages/curl")
            .steps(in -> List.of(Step.of("post", "curl -fsS -X POST -H 'Content-Type: application/json' --data "
                + quote("{\"text\":" + json(in.str("message")) + (in.has("channel") ? ",\"channel\":" + json(in.str("channel")) : "") + "}")
                + " " + in.q("webhook_url") + " && " + output("sent", "true")))),
        type("email", NOTIFY, "Email", "Sends an email through SMTP.")
            .in(required("to", STRINGS, "Recipients"))
            .in(required("subject", STRING, "Subject"))
            .in(required("body", STRING, "Body text"))
            .in(withDefault("smtp_url", STRING, "smtp://localhost:25", "SMTP server URL"))
            .in(withDefault("from", STRING, "pipelinekit@localhost", "Sender address"))
            .out("sent", BOOLEAN, "Whether the server accepted the mail")
            .image("curlimages/curl")
            .steps(in -> List.of(Step.of("send", "printf 'From: %s\\nTo: %s\\nSubject: %s\\n\\n%s\\n' " + in.q("from") + " "
                + quote(String.join(", ", in.list("to").stream().map(String::valueOf).toList())) + " " + in.q("subject") + " " + in.q("body")
                + " | curl -fsS " + in.q("smtp_url") + " --mail-from " + in.q("from")
                + in.list("to").stream().map(t -> " --mail-rcpt " + quote(String.valueOf(t))).reduce("", String::concat)
                + " --upload-file - && " + output("sent", "true")))),
        type("webhook", NOTIFY, "Webhook", "Calls an HTTP endpoint.")
            .in(required("url", URL, "Endpoint"))
            .in(withDefault("method", choice("POST", "PUT", "GET"), "POST", "HTTP method"))
            .in(withDefault("headers", MAP, Map.of(), "Request headers"))
            .in(optional("body", STRING, "Request body"))
            .out("status", INTEGER, "HTTP status code")
            .image("curlimages/curl")
            .planner(in -> List.of(Actions.webhook(in.str("url"), in.str("method"), in.map("headers"), in.optional("body"))))
            .steps(in -> List.of(Step.of("call", "status=$(curl -sS -o /dev/null -w '%{http_code}' -X " + in.q("method")
                + headers(in.map("headers")) + (in.has("body") ? " --data " + in.q("body") : "") + " " + in.q("url") + ") && "
                + output("status", "$status") + " && case \"$status\" in 2*) ;; *) echo \"HTTP $status\" >&2; exit 1;; esac"))));
  }

  private static String headers(Map<String, Object> headers) {
    StringBuilder sb = new StringBuilder();
    headers.forEach((k, v) -> sb.append(" -H ").append(quote(k + ": " + v)));
    return sb.toString();
  }

  /** A JSON string literal, quoted and escaped. */
  private static String json(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  private static String semgrepSeverity(String failOn) {
    return switch (failOn) {
      case "low", "medium" -> "INFO";
      case "high" -> "WARNING";
      default -> "ERROR";
    };
  }

  private static String trivySeverity(String failOn) {
    return switch (failOn) {
      case "low" -> "LOW,MEDIUM,HIGH,CRITICAL";
      case "medium" -> "MEDIUM,HIGH,CRITICAL";
      case "high" -> "HIGH,CRITICAL";
      default -> "CRITICAL";
    };
  }

  private static String cvss(String failOn) {
    return switch (failOn) {
      case "low" -> "0.1";
      case "medium" -> "4";
      case "high" -> "7";
      default -> "9";
    };
  }
}
