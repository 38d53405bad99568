package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar, started as its own process the way users start it. */
class PipelineKitJarIT {
  private static final Path JAR = Path.of("target/pipelinekit.jar");

  private record Result(int exit, String out, String err) {}

  /** Runs the jar with {@code args}; those before the first that does not start with {@code -X} go to the JVM. */
  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    int i = 0;
    while (i < args.length - 1 && args[i].startsWith("-X")) cmd.add(args[i++]);
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(List.of(args).subList(i, args.length));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void jar_validatesAndExportsTheSamples() throws Exception {
    Result ok = run("validate", "../samples/pipelines/java-ci.yaml");
    assertThat(ok.exit()).isZero();
    assertThat(ok.out()).contains("is valid");
    assertThat(ok.err()).isEmpty();

    Result bad = run("validate", "../samples/pipelines/broken.yaml");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("error CYCLE").doesNotContain("Exception").doesNotContain("\tat ");

    Result hcl = run("export", "--format", "hcl", "../samples/pipelines/java-ci.yaml");
    assertThat(hcl.exit()).isZero();
    assertThat(hcl.out()).startsWith("pipeline \"java-ci\" {");
  }

  /**
   * The class-data-sharing archive made with the jar is one this JDK maps (-Xshare:on refuses to start otherwise) and
   * holds the CLI's classes; scripts/run.sh passes it, and its short commands answer as without it.
   */
  @Test
  void theCdsArchive_isUsableWithTheJar_andRunShUsesIt() throws Exception {
    Path archive = Path.of("target/pipelinekit.jsa");
    assertThat(archive).exists();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:SharedArchiveFile=" + archive,
        "-Xshare:on", "-Xlog:class+load=info", "-jar", JAR.toAbsolutePath().toString(), "validate", "../samples/pipelines/java-ci.yaml")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("is valid").contains("org.pipelinekit.cli.ValidateCommand source: shared objects file");
    Process sh = new ProcessBuilder("bash", Path.of("../scripts/run.sh").toAbsolutePath().toString(), "validate",
        Path.of("../samples/pipelines/java-ci.yaml").toAbsolutePath().toString()).redirectErrorStream(true).start();
    String viaScript = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(sh.exitValue()).as(viaScript).isZero();
    assertThat(viaScript).contains("is valid").doesNotContain("cds").doesNotContain("warning");
  }

  /**
   * On a JDK newer than 21 the CLI leaves the process launch mechanism to the JDK: VFORK is deprecated there and printed
   * a warning into every run. Runs with the newest JDK under /usr/lib/jvm, when there is one.
   */
  @Test
  void onANewerJdk_runsPrintNoLaunchMechanismWarning() throws Exception {
    Path newer = null;
    try (var jdks = Files.list(Path.of("/usr/lib/jvm"))) {
      for (Path jdk : jdks.sorted().toList()) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin/java"))) continue;
        var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        if (m.find() && Integer.parseInt(m.group(1)) > 21) newer = jdk.resolve("bin/java");
      }
    } catch (IOException e) {
      // no /usr/lib/jvm
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(newer != null, "no JDK newer than 21 under /usr/lib/jvm");
    Process p = new ProcessBuilder(newer.toString(), "-jar", JAR.toAbsolutePath().toString(), "run",
        Path.of("../samples/pipelines/parallel.yaml").toAbsolutePath().toString(), "--workspace",
        Path.of("../samples/pipelines").toAbsolutePath().toString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCEEDED").doesNotContain("VFORK").doesNotContain("deprecated");
  }

  /** The Kotlin compiler and scripting host work from inside the shaded jar, cold and from the script cache. */
  @Test
  void jar_evaluatesKotlinScripts() throws Exception {
    String[] scripts = {"validate", "../samples/pipelines/maven-ci.pipeline.kts", "../samples/pipelines/node-monorepo.pipeline.kts",
        "../samples/pipelines/deploy.pipeline.kts"};
    for (int i = 0; i < 2; i++) {
      Result r = run(scripts);
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("'maven-ci' is valid", "'node-monorepo' is valid", "'deploy' is valid");
      assertThat(r.err()).isEmpty();
    }
    Result java = run("export", "--format", "java", "../samples/pipelines/deploy.pipeline.kts");
    assertThat(java.exit()).isZero();
    assertThat(java.out()).contains("public final class DeployPipeline {", ".approval(a -> a.approvers(\"team-leads\", \"sre\")");
  }

  /**
   * The CLI jar holds no Kotlin: it runs YAML, JSON and Java pipelines alone, under 40 MB, and a .pipeline.kts says where
   * pipelinekit-kotlin.jar belongs when it is not beside it (with it there, jar_evaluatesKotlinScripts above).
   */
  @Test
  void jar_withoutTheKotlinSideJar_runsYamlAndSaysWhatKotlinNeeds(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assertThat(Files.size(JAR)).as("the CLI jar's size").isLessThan(40_000_000L);
    assertThat(Files.size(JAR.resolveSibling("pipelinekit-kotlin.jar"))).isGreaterThan(40_000_000L);
    Path alone = Files.copy(JAR, dir.resolve("pipelinekit.jar"));
    List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", alone.toString());
    Process yaml = new ProcessBuilder(concat(java, "run", Path.of("../samples/pipelines/parallel.yaml").toAbsolutePath().toString(),
        "--workspace", dir.toString(), "-q")).redirectErrorStream(true).start();
    String ran = new String(yaml.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(yaml.waitFor(60, TimeUnit.SECONDS) && yaml.exitValue() == 0).as(ran).isTrue();
    Process kts = new ProcessBuilder(concat(java, "validate", Path.of("../samples/pipelines/deploy.pipeline.kts").toAbsolutePath().toString()))
        .redirectErrorStream(true).start();
    String said = new String(kts.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kts.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kts.exitValue()).isEqualTo(1);
    assertThat(said).contains("error: Kotlin scripts need pipelinekit-kotlin.jar at " + dir.resolve("pipelinekit-kotlin.jar"))
        .doesNotContain("\tat ").doesNotContain("NoClassDefFoundError");
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  @Test
  void jar_runsTheSamplePipeline() throws Exception {
    Result r = run("run", "../samples/pipelines/parallel.yaml", "--branch", "main");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("✓ publish success").contains("SUCCEEDED");
  }

  /**
   * A new user's first commands, from a directory of their own: run.sh reads paths from there and the jobs start from a
   * copy of it; serve keeps its data in the per-user state directory; nothing lands in the checkout or the caller's directory.
   */
  @Test
  void runShAndServe_workFromTheCallersDirectory_andLeaveTheCheckoutAlone(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    String before = git(repo, "status", "--porcelain", "--untracked-files=all");
    Path home = Files.createDirectories(dir.resolve("project"));
    Files.writeString(home.resolve("note.txt"), "from the caller's directory\n");
    Files.writeString(home.resolve("p.yaml"), "id: mine\nstages:\n  - id: a\n    steps: [{ run: 'cat note.txt && touch made-by-the-job' }]\n");
    ProcessBuilder runSh = new ProcessBuilder("bash", repo.resolve("scripts/run.sh").toString(), "run", "p.yaml").directory(home.toFile())
        .redirectErrorStream(true);
    runSh.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
    Process r = runSh.start();
    String said = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(r.waitFor(120, TimeUnit.SECONDS) && r.exitValue() == 0).as(said).isTrue();
    assertThat(said).contains("workspace: a copy of " + home, "[a] from the caller's directory", "SUCCEEDED");
    assertThat(home).as("the jobs ran in a copy").isDirectoryNotContaining("glob:**/made-by-the-job");

    Path cwd = Files.createDirectories(dir.resolve("cwd"));
    Path oldDefault = Files.createDirectories(cwd.resolve("pipelinekit-data")); // where serve kept its data before
    ProcessBuilder serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toAbsolutePath().toString(), "serve", "--port", "0", "--token", "t").directory(cwd.toFile()).redirectErrorStream(true);
    serve.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
    Process p = serve.start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder lines = new StringBuilder();
      String line = out.readLine();
      while (line != null && !line.contains("serving on")) {
        lines.append(line).append('\n');
        line = out.readLine();
      }
      assertThat(line).as(lines.toString()).contains("data in " + dir.resolve("state").resolve("pipelinekit"));
      assertThat(lines.toString()).contains("note: ./pipelinekit-data (the data directory's old default) is not used: the data"
          + " directory is now " + dir.resolve("state").resolve("pipelinekit") + "; add --data-dir pipelinekit-data to keep using the old one");
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(dir.resolve("state/pipelinekit/executions")).isDirectory();
    try (var left = Files.list(cwd); var old = Files.list(oldDefault)) {
      assertThat(left.toList()).as("serve wrote nothing where it was started").containsExactly(oldDefault);
      assertThat(old.toList()).as("nor in the old default").isEmpty();
    }
    assertThat(git(repo, "status", "--porcelain", "--untracked-files=all")).as("the checkout is as it was").isEqualTo(before);
  }

  private static String git(Path repo, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  /** SIGTERM to {@code run}: the run is cancelled, its step ends, the CLI exits (it ignored SIGTERM when a run hung). */
  @Test
  void jar_runEndsOnSigterm_withItsSteps(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), "id: quiet\nstages:\n  - id: wait\n    steps: [{ run: 'echo $$ > " + dir.resolve("step.pid")
        + "; echo started; sleep 600' }]\n");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "run",
        dir.resolve("p.yaml").toString(), "--workspace", dir.toString(), "--data-dir", dir.resolve("data").toString())
        .redirectErrorStream(true).start();
    java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder said = new StringBuilder();
    for (String line = out.readLine(); line != null && !line.equals("  [wait] started"); line = out.readLine()) said.append(line).append('\n');
    long step = Long.parseLong(Files.readString(dir.resolve("step.pid")).strip());
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits on SIGTERM: " + said).isTrue();
    ProcessHandle.of(step).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(step).map(ProcessHandle::isAlive)).as("the step ended with the run").isNotEqualTo(java.util.Optional.of(true));
  }

  /** {@code serve --tls-keystore}: HTTPS with a PKCS#12 keystore, the token read from a file (never on the command line). */
  @Test
  void jar_servesHttpsWithATokenFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "store-pass").redirectErrorStream(true).start();
    String made = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(made).isTrue();
    Files.writeString(dir.resolve("token"), "file-token\n");
    Files.writeString(dir.resolve("tls-password"), "store-pass\n");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "serve",
        "--port", "0", "--data-dir", dir.resolve("data").toString(), "--pipelines", dir.toString(), "--token-file",
        dir.resolve("token").toString(), "--tls-keystore", keystore.toString(), "--tls-password-file", dir.resolve("tls-password").toString())
        .redirectErrorStream(true).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String base = null;
      StringBuilder said = new StringBuilder();
      for (String line = out.readLine(); line != null && base == null; line = out.readLine()) {
        said.append(line).append('\n');
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("serving on (https://[0-9.:]+)/").matcher(line);
        if (m.find()) base = m.group(1);
      }
      assertThat(base).as(said.toString()).isNotNull();
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(keystore)) {
        trust.load(in, "store-pass".toCharArray());
      }
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
      java.net.http.HttpResponse<String> list = https.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/pipelines"))
          .header("Authorization", "Bearer file-token").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
      assertThat(ProcessHandle.of(p.pid()).flatMap(h -> h.info().commandLine()).orElse("")).doesNotContain("file-token")
          .doesNotContain("store-pass");
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** {@code serve} with no token given: it makes one up and prints it with a sign-in link that carries it. */
  @Test
  void jar_servePrintsTheTokenItMadeAndASignInLink(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "serve",
        "--port", "0", "--data-dir", dir.toString(), "--pipelines", dir.resolve("none").toString()).redirectErrorStream(true);
    b.environment().remove("PIPELINEKIT_TOKEN");
    Process p = b.start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String token = null;
      String link = null;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("token: ")) token = line.substring(7);
        if (line.startsWith("sign in: ")) {
          link = line.substring(9);
          break; // the server prints nothing more: reading on would wait for ever
        }
      }
      assertThat(token).matches("[0-9a-f]{36}");
      assertThat(link).matches("http://127\\.0\\.0\\.1:\\d+/#/pipelines\\?token=" + token);
      java.net.http.HttpResponse<String> list = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(link.replaceAll("/#/.*$", "/api/v1/pipelines"))).header("Authorization", "Bearer " + token).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(list.statusCode()).isEqualTo(200);
    } finally {
      p.destroy();
      p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** {@code serve}: the API on embedded Jetty, with the sample pipelines loaded, answering over HTTP. */
  @Test
  void jar_servesTheApi(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "serve",
        "--port", "0", "--data-dir", dir.toString(), "--pipelines", "../samples/pipelines", "--token", "it-token")
        .redirectErrorStream(true).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      String base = null;
      while ((line = out.readLine()) != null) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("serving on (http://[0-9.:]+)/").matcher(line);
        if (m.find()) {
          base = m.group(1);
          break;
        }
      }
      assertThat(base).as("the server says where it listens").isNotNull();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.http.HttpResponse<String> list = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/pipelines"))
          .header("Authorization", "Bearer it-token").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains("\"java-ci\"", "\"parallel\"", "\"node-monorepo\"");
      java.net.http.HttpResponse<String> run = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
          + "/api/v1/pipelines/parallel/execute")).header("Authorization", "Bearer it-token")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"branch\": \"main\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
      assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/pipelines")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      // Jetty's own errors are problem+json too, and no answer names the server's software
      java.net.URI origin = java.net.URI.create(base);
      for (String bad : new String[] {"/%zz", "/../../etc/passwd", "/nowhere"}) {
        // a raw request: the JDK's client refuses to send a malformed escape
        try (java.net.Socket socket = new java.net.Socket(origin.getHost(), origin.getPort())) {
          socket.getOutputStream().write(("GET " + bad + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertThat(answer).as(bad).matches("(?s)HTTP/1.1 40[04] .*").containsIgnoringCase("Content-Type: application/problem+json")
              .doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("jetty").doesNotContainIgnoringCase("\r\nServer:");
        }
      }
      assertThat(list.headers().firstValue("Server")).isEmpty();
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The top level's usage comes out of the jar as picocli renders it, without picocli being loaded (UsageText). */
  @Test
  void jar_printsTheUsageForHelp_withoutLoadingPicocli() throws Exception {
    Result help = run("help"); // (picocli's own help command)
    Result fast = run("-Xlog:class+load=info", "--help");
    assertThat(fast.exit()).isZero();
    assertThat(fast.out()).contains(help.out()).contains("org.pipelinekit.cli.UsageText").doesNotContain("picocli.CommandLine ");
    assertThat(run("--help").out()).isEqualTo(help.out());
  }

  @Test
  void jar_printsUsageForUnknownCommands() throws Exception {
    Result r = run("frobnicate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'").contains("Did you mean: pipelinekit");
    Result missing = run("validate");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required parameter: 'FILE'").contains("Usage: pipelinekit validate [-hV] [--from=KIND] FILE...");
  }
}
