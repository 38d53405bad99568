// Generated from the built-in stage types' schemas by StageHelpersGenerator (pipeline-dsl tests). Do not edit:
// StageHelpersTest fails when this file and the schemas disagree.
package org.pipelinekit.dsl

/** Inputs of Git Clone (`git-clone`): Clones a Git repository into the workspace. */
class GitCloneInputs internal constructor() : StageInputs() {
    /** Repository URL to clone (required) */
    var repository: String? by input("repository")
    /** Branch or tag to check out (default: main) */
    var branch: String? by input("branch")
    /** Number of commits to fetch; 0 fetches the whole history (default: 1) */
    var depth: Long? by input("depth")
    /** Also clone submodules (default: false) */
    var submodules: Boolean? by input("submodules")
    /** Where in the workspace to clone (default: .) */
    var directory: String? by input("directory")
}

/** Makes this a `git-clone` stage: Clones a Git repository into the workspace. */
fun StageScope.gitClone(block: GitCloneInputs.() -> Unit) {
    typed("git-clone", GitCloneInputs().apply(block).values())
}

/** Inputs of File Upload (`file-upload`): Takes files uploaded with the execution and checks their types. */
class FileUploadInputs internal constructor() : StageInputs() {
    /** Accepted file extensions such as .zip; empty accepts all (default: []) */
    var acceptedTypes: List<String>? by input("accepted_types")
    /** Workspace directory the uploaded files are placed in (default: uploads) */
    var directory: String? by input("directory")
    /** Largest accepted file, such as 100Mi */
    var maxSize: String? by input("max_size")
}

/** Makes this a `file-upload` stage: Takes files uploaded with the execution and checks their types. */
fun StageScope.fileUpload(block: FileUploadInputs.() -> Unit) {
    typed("file-upload", FileUploadInputs().apply(block).values())
}

/** Inputs of API Source (`api-source`): Fetches data from an HTTP API into the workspace. */
class ApiSourceInputs internal constructor() : StageInputs() {
    /** URL to fetch (required) */
    var url: String? by input("url")
    /** HTTP method (default: GET) */
    var method: String? by input("method")
    /** Request headers (default: {}) */
    var headers: Map<String, String>? by input("headers")
    /** Request body */
    var body: String? by input("body")
    /** File the response body is written to (default: api-response.json) */
    var outputFile: String? by input("output_file")
}

/** Makes this a `api-source` stage: Fetches data from an HTTP API into the workspace. */
fun StageScope.apiSource(block: ApiSourceInputs.() -> Unit) {
    typed("api-source", ApiSourceInputs().apply(block).values())
}

/** Inputs of Docker Build (`docker-build`): Builds a container image from a Dockerfile. */
class DockerBuildInputs internal constructor() : StageInputs() {
    /** Path of the Dockerfile (default: Dockerfile) */
    var dockerfile: String? by input("dockerfile")
    /** Build context directory (default: .) */
    var context: String? by input("context")
    /** Image tags, such as registry.example.org/app:1.2 (required) */
    var tags: List<String>? by input("tags")
    /** Build arguments (default: {}) */
    var buildArgs: Map<String, String>? by input("build_args")
    /** Target stage of a multi-stage Dockerfile */
    var target: String? by input("target")
    /** Push the tags after building (default: false) */
    var push: Boolean? by input("push")
    /** The registry's user for the push; keep it in a secret: \${{ secrets.REGISTRY_USER }} */
    var registryUsername: String? by input("registry_username")
    /** The registry's password or token for the push: \${{ secrets.REGISTRY_TOKEN }} */
    var registryPassword: String? by input("registry_password")
}

/** Makes this a `docker-build` stage: Builds a container image from a Dockerfile. */
fun StageScope.dockerBuild(block: DockerBuildInputs.() -> Unit) {
    typed("docker-build", DockerBuildInputs().apply(block).values())
}

/** Inputs of Node Build (`node-build`): Installs dependencies and runs an npm, yarn or pnpm script. */
class NodeBuildInputs internal constructor() : StageInputs() {
    /** package.json script to run (default: build) */
    var script: String? by input("script")
    /** Node.js major version (default: 20) */
    var nodeVersion: String? by input("node_version")
    /** Package manager (default: npm) */
    var packageManager: String? by input("package_manager")
    /** Directory holding package.json (default: .) */
    var workingDirectory: String? by input("working_directory")
    /** Directory the build writes to (default: dist) */
    var distDir: String? by input("dist_dir")
    /** Publish the package after the build (npm publish) (default: false) */
    var publish: Boolean? by input("publish")
    /** The registry to publish to (default: https://registry.npmjs.org/) */
    var registry: String? by input("registry")
    /** The registry's token, from a secret: \${{ secrets.NPM_TOKEN }} */
    var npmToken: String? by input("npm_token")
}

/** Makes this a `node-build` stage: Installs dependencies and runs an npm, yarn or pnpm script. */
fun StageScope.nodeBuild(block: NodeBuildInputs.() -> Unit) {
    typed("node-build", NodeBuildInputs().apply(block).values())
}

/** Inputs of Python Build (`python-build`): Installs requirements and builds a wheel. */
class PythonBuildInputs internal constructor() : StageInputs() {
    /** Requirements file (default: requirements.txt) */
    var requirements: String? by input("requirements")
    /** Python version (default: 3.11) */
    var pythonVersion: String? by input("python_version")
    /** Command that builds the wheel (default: python3 -m pip wheel --no-deps -w dist .) */
    var buildCommand: String? by input("build_command")
    /** Project directory (default: .) */
    var workingDirectory: String? by input("working_directory")
}

/** Makes this a `python-build` stage: Installs requirements and builds a wheel. */
fun StageScope.pythonBuild(block: PythonBuildInputs.() -> Unit) {
    typed("python-build", PythonBuildInputs().apply(block).values())
}

/** Inputs of Go Build (`go-build`): Builds Go packages. */
class GoBuildInputs internal constructor() : StageInputs() {
    /** Go version (default: 1.22) */
    var goVersion: String? by input("go_version")
    /** Packages to build (default: ./...) */
    var packages: String? by input("packages")
    /** Where binaries go (default: bin/) */
    var output: String? by input("output")
    /** Linker flags */
    var ldflags: String? by input("ldflags")
    /** Module directory (default: .) */
    var workingDirectory: String? by input("working_directory")
}

/** Makes this a `go-build` stage: Builds Go packages. */
fun StageScope.goBuild(block: GoBuildInputs.() -> Unit) {
    typed("go-build", GoBuildInputs().apply(block).values())
}

/** Inputs of Maven Build (`maven-build`): Runs Maven goals. */
class MavenBuildInputs internal constructor() : StageInputs() {
    /** Goals and phases to run (default: package) */
    var goals: String? by input("goals")
    /** Java version (default: 17) */
    var jdk: String? by input("jdk")
    /** Extra Maven arguments (default: -B) */
    var arguments: String? by input("arguments")
    /** Directory holding pom.xml (default: .) */
    var workingDirectory: String? by input("working_directory")
    /** Where mvn deploy puts the artifacts (https://repo.example.org/releases, file:///…); add deploy to goals */
    var deployRepository: String? by input("deploy_repository")
    /** The deploy repository's user, from a secret */
    var repositoryUsername: String? by input("repository_username")
    /** The deploy repository's password or token, from a secret */
    var repositoryPassword: String? by input("repository_password")
}

/** Makes this a `maven-build` stage: Runs Maven goals. */
fun StageScope.mavenBuild(block: MavenBuildInputs.() -> Unit) {
    typed("maven-build", MavenBuildInputs().apply(block).values())
}

/** Inputs of Gradle Build (`gradle-build`): Runs Gradle tasks with the project's wrapper. */
class GradleBuildInputs internal constructor() : StageInputs() {
    /** Tasks to run (default: build) */
    var tasks: String? by input("tasks")
    /** Java version (default: 17) */
    var jdk: String? by input("jdk")
    /** Extra Gradle arguments (default: --no-daemon) */
    var arguments: String? by input("arguments")
    /** Directory holding the build (default: .) */
    var workingDirectory: String? by input("working_directory")
}

/** Makes this a `gradle-build` stage: Runs Gradle tasks with the project's wrapper. */
fun StageScope.gradleBuild(block: GradleBuildInputs.() -> Unit) {
    typed("gradle-build", GradleBuildInputs().apply(block).values())
}

/** Inputs of Unit Tests (`unit-tests`): Runs the unit tests, reads their JUnit XML reports and checks coverage. */
class UnitTestsInputs internal constructor() : StageInputs() {
    /** Command that runs the tests (required) */
    var command: String? by input("command")
    /** Lowest accepted line coverage in percent */
    var coverageThreshold: Number? by input("coverage_threshold")
    /** Coverage report to read: Cobertura/JaCoCo XML, lcov, or a file holding the percentage */
    var coverageFile: String? by input("coverage_file")
    /** JUnit XML reports to read (a glob in the workspace) (default: **&#47;TEST-*.xml) */
    var report: String? by input("report")
    /** Fail the stage when a test fails; false leaves it to the stage's gates, such as no new failures: branch == 'main' || added(outputs.failed_tests, baseline.outputs.failed_tests) == 0 (default: true) */
    var failOnFailures: Boolean? by input("fail_on_failures")
}

/** Makes this a `unit-tests` stage: Runs the unit tests, reads their JUnit XML reports and checks coverage. */
fun StageScope.unitTests(block: UnitTestsInputs.() -> Unit) {
    typed("unit-tests", UnitTestsInputs().apply(block).values())
}

/** Inputs of Integration Tests (`integration-tests`): Starts service containers and runs tests against them. */
class IntegrationTestsInputs internal constructor() : StageInputs() {
    /** Services started before the tests and stopped after (default: []) */
    var services: List<Map<String, Any>>? by input("services")
    /** Command that runs the tests (required) */
    var testCommand: String? by input("test_command")
}

/** Makes this a `integration-tests` stage: Starts service containers and runs tests against them. */
fun StageScope.integrationTests(block: IntegrationTestsInputs.() -> Unit) {
    typed("integration-tests", IntegrationTestsInputs().apply(block).values())
}

/** Inputs of End-to-end Tests (`e2e-tests`): Starts the application and runs browser tests against it. */
class E2eTestsInputs internal constructor() : StageInputs() {
    /** Command that runs the end-to-end tests (required) */
    var command: String? by input("command")
    /** Command that starts the application in the background */
    var startCommand: String? by input("start_command")
    /** URL the tests open; waited for before the tests start */
    var baseUrl: String? by input("base_url")
    /** Browser to test in (default: chromium) */
    var browser: String? by input("browser")
}

/** Makes this a `e2e-tests` stage: Starts the application and runs browser tests against it. */
fun StageScope.e2eTests(block: E2eTestsInputs.() -> Unit) {
    typed("e2e-tests", E2eTestsInputs().apply(block).values())
}

/** Inputs of Static Analysis (SAST) (`sast`): Scans the source code for security flaws. */
class SastInputs internal constructor() : StageInputs() {
    /** Scanner (default: semgrep) */
    var tool: String? by input("tool")
    /** What to scan (default: [.]) */
    var paths: List<String>? by input("paths")
    /** Rule set or configuration */
    var config: String? by input("config")
    /** Fail when a finding is at least this severe (default: high) */
    var failOn: String? by input("fail_on")
    /** Report file (default: sast-report.json) */
    var report: String? by input("report")
}

/** Makes this a `sast` stage: Scans the source code for security flaws. */
fun StageScope.sast(block: SastInputs.() -> Unit) {
    typed("sast", SastInputs().apply(block).values())
}

/** Inputs of Dynamic Analysis (DAST) (`dast`): Scans a running application for vulnerabilities. */
class DastInputs internal constructor() : StageInputs() {
    /** URL of the running application (required) */
    var targetUrl: String? by input("target_url")
    /** Scanner (default: zap) */
    var tool: String? by input("tool")
    /** How deep to scan (default: baseline) */
    var scanType: String? by input("scan_type")
    /** Fail when a finding is at least this severe (default: high) */
    var failOn: String? by input("fail_on")
    /** Report file (default: dast-report.json) */
    var report: String? by input("report")
}

/** Makes this a `dast` stage: Scans a running application for vulnerabilities. */
fun StageScope.dast(block: DastInputs.() -> Unit) {
    typed("dast", DastInputs().apply(block).values())
}

/** Inputs of Dependency Scan (`dependency-scan`): Checks dependencies against known vulnerabilities. */
class DependencyScanInputs internal constructor() : StageInputs() {
    /** Scanner (default: osv-scanner) */
    var tool: String? by input("tool")
    /** Lockfile or manifest to scan; the whole workspace when empty */
    var manifest: String? by input("manifest")
    /** Fail when a vulnerability is at least this severe (default: high) */
    var failOn: String? by input("fail_on")
    /** Report file (default: dependency-report.json) */
    var report: String? by input("report")
}

/** Makes this a `dependency-scan` stage: Checks dependencies against known vulnerabilities. */
fun StageScope.dependencyScan(block: DependencyScanInputs.() -> Unit) {
    typed("dependency-scan", DependencyScanInputs().apply(block).values())
}

/** Inputs of Deploy to Cloud (`deploy-cloud`): Deploys a service to AWS, Google Cloud or Azure. */
class DeployCloudInputs internal constructor() : StageInputs() {
    /** Cloud provider (required) */
    var provider: String? by input("provider")
    /** Region, such as eu-west-1 (required) */
    var region: String? by input("region")
    /** Name of the service to deploy (required) */
    var service: String? by input("service")
    /** Container image to deploy; the source in the workspace when empty */
    var image: String? by input("image")
}

/** Makes this a `deploy-cloud` stage: Deploys a service to AWS, Google Cloud or Azure. */
fun StageScope.deployCloud(block: DeployCloudInputs.() -> Unit) {
    typed("deploy-cloud", DeployCloudInputs().apply(block).values())
}

/** Inputs of Deploy to Edge (`deploy-edge`): Publishes static files or functions to edge locations. */
class DeployEdgeInputs internal constructor() : StageInputs() {
    /** Edge regions, such as eu, us, apac; [all] for every region (required) */
    var regions: List<String>? by input("regions")
    /** How the new version reaches the regions (default: rolling) */
    var strategy: String? by input("strategy")
    /** Edge provider, or s3 for an S3-compatible bucket behind a CDN (with pipeline-s3) (default: cloudflare) */
    var provider: String? by input("provider")
    /** What to publish (default: dist) */
    var directory: String? by input("directory")
    /** s3: the bucket */
    var bucket: String? by input("bucket")
    /** s3: where in the bucket (a key prefix) */
    var prefix: String? by input("prefix")
    /** s3: the S3 API's address, for MinIO, Ceph or R2 (default: AWS) */
    var endpoint: String? by input("endpoint")
    /** s3: the bucket's region (default: us-east-1) */
    var region: String? by input("region")
    /** s3: the access key id, from a secret (default: the host's AWS credentials) */
    var accessKey: String? by input("access_key")
    /** s3: the secret access key, from a secret */
    var secretKey: String? by input("secret_key")
    /** s3: the address the published files are served at (the deployments' url) */
    var publicUrl: String? by input("public_url")
}

/** Makes this a `deploy-edge` stage: Publishes static files or functions to edge locations. */
fun StageScope.deployEdge(block: DeployEdgeInputs.() -> Unit) {
    typed("deploy-edge", DeployEdgeInputs().apply(block).values())
}

/** Inputs of Deploy Container (`deploy-container`): Rolls out a container image to Kubernetes, ECS or Cloud Run. */
class DeployContainerInputs internal constructor() : StageInputs() {
    /** Image to deploy (required) */
    var image: String? by input("image")
    /** Deployment or service name (required) */
    var name: String? by input("name")
    /** Where to deploy (default: kubernetes) */
    var platform: String? by input("platform")
    /** Kubernetes namespace (default: default) */
    var namespace: String? by input("namespace")
    /** Number of replicas (default: 1) */
    var replicas: Long? by input("replicas")
    /** Kubernetes manifest to apply before the image is set */
    var manifest: String? by input("manifest")
    /** The Deployment's container that gets the image (default: the one named like the Deployment, else its first) */
    var container: String? by input("container")
    /** How long the rollout may take before it is rolled back (default: 5m) */
    var rolloutTimeout: String? by input("rollout_timeout")
}

/** Makes this a `deploy-container` stage: Rolls out a container image to Kubernetes, ECS or Cloud Run. */
fun StageScope.deployContainer(block: DeployContainerInputs.() -> Unit) {
    typed("deploy-container", DeployContainerInputs().apply(block).values())
}

/** Inputs of Slack (`slack`): Posts a message to a Slack channel through an incoming webhook. */
class SlackInputs internal constructor() : StageInputs() {
    /** Incoming webhook URL; keep it in a secret: \${{ secrets.SLACK_WEBHOOK }} (required) */
    var webhookUrl: String? by input("webhook_url")
    /** Message text (required) */
    var message: String? by input("message")
    /** Channel overriding the webhook's default */
    var channel: String? by input("channel")
}

/** Makes this a `slack` stage: Posts a message to a Slack channel through an incoming webhook. */
fun StageScope.slack(block: SlackInputs.() -> Unit) {
    typed("slack", SlackInputs().apply(block).values())
}

/** Inputs of Email (`email`): Sends an email through SMTP. */
class EmailInputs internal constructor() : StageInputs() {
    /** Recipients (required) */
    var to: List<String>? by input("to")
    /** Subject (required) */
    var subject: String? by input("subject")
    /** Body text (required) */
    var body: String? by input("body")
    /** SMTP server URL (default: smtp://localhost:25) */
    var smtpUrl: String? by input("smtp_url")
    /** Sender address (default: pipelinekit@localhost) */
    var from: String? by input("from")
}

/** Makes this a `email` stage: Sends an email through SMTP. */
fun StageScope.email(block: EmailInputs.() -> Unit) {
    typed("email", EmailInputs().apply(block).values())
}

/** Inputs of Webhook (`webhook`): Calls an HTTP endpoint. */
class WebhookInputs internal constructor() : StageInputs() {
    /** Endpoint (required) */
    var url: String? by input("url")
    /** HTTP method (default: POST) */
    var method: String? by input("method")
    /** Request headers (default: {}) */
    var headers: Map<String, String>? by input("headers")
    /** Request body */
    var body: String? by input("body")
}

/** Makes this a `webhook` stage: Calls an HTTP endpoint. */
fun StageScope.webhook(block: WebhookInputs.() -> Unit) {
    typed("webhook", WebhookInputs().apply(block).values())
}
