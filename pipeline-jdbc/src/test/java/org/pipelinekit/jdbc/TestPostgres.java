package org.pipelinekit.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the tests' own: {@code initdb} into {@code target/postgres-<pid>}, {@code pg_ctl start} on a free
 * loopback port with its socket in that directory, trust authentication for the user {@code pk}, stopped and removed when
 * the JVM exits. Never the machine's service. Run as root (as the suite is on CI machines), the server runs as the
 * {@code postgres} user Debian's package makes, since PostgreSQL refuses root. One server per test JVM; each test takes
 * a database of its own ({@link #newDatabase()}).
 */
public final class TestPostgres {
  private static TestPostgres shared;
  private final Path dir;
  private final int port;
  private final Path bin;
  private final boolean asPostgres;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgres(Path dir, int port, Path bin, boolean asPostgres) {
    this.dir = dir;
    this.port = port;
    this.bin = bin;
    this.asPostgres = asPostgres;
  }

  /** The JVM's server, started on first use. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("cannot start a PostgreSQL server for the tests: " + e.getMessage(), e);
      }
      TestPostgres server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-postgres-stop"));
    }
    return shared;
  }

  private static Path binaries() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        var newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
            .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))));
        if (newest.isPresent()) return newest.get().resolve("bin");
      }
    }
    throw new IOException("no PostgreSQL server binaries under /usr/lib/postgresql; scripts/test.sh installs Debian's postgresql");
  }

  private static TestPostgres start() throws IOException, InterruptedException {
    Path bin = binaries();
    Path dir = Path.of("target").toAbsolutePath().resolve("postgres-" + ProcessHandle.current().pid());
    boolean root = "root".equals(System.getProperty("user.name"));
    deleteTree(dir);
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TestPostgres pg = new TestPostgres(dir, port, bin, root);
    if (root) pg.exec(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
    pg.exec(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "pk", "--auth=trust", "-E", "UTF8",
        "--locale=C", "--no-sync"), true);
    pg.exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
        "-w", "-t", "60", "-o", "-p " + port + " -h 127.0.0.1 -k " + dir + " -F -c max_connections=200", "start"), true);
    return pg;
  }

  private void exec(List<String> command, boolean asServerUser) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asServerUser && asPostgres) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }
  }

  private void stop() {
    try {
      exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"), true);
      deleteTree(dir);
    } catch (IOException | InterruptedException e) {
      System.err.println("test PostgreSQL in " + dir + " did not stop: " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  public int port() {
    return port;
  }

  public String user() {
    return "pk";
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A new, empty database; its name. */
  public String newDatabase() {
    String name = "pk_test_" + databases.incrementAndGet();
    java.util.Properties login = new java.util.Properties();
    login.setProperty("user", user());
    // the driver itself, not DriverManager: a shaded classpath may hide its service entry
    try (Connection c = new org.postgresql.Driver().connect(url("postgres"), login); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return name;
  }
}
