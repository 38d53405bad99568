package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An image registry of the tests' own: Debian's docker-registry (Docker's Distribution) on a loopback port, its storage in
 * {@code dir}, with htpasswd authentication of {@link #USER} and {@link #PASSWORD}. The Docker engine takes a loopback
 * registry for an insecure one, so it pushes over HTTP.
 */
public final class LocalRegistry implements AutoCloseable {
  public static final String USER = "ci";
  public static final String PASSWORD = "r3gistry-pa55";
  /** bcrypt of {@link #PASSWORD}, as htpasswd keeps it. */
  private static final String HASH = "$2b$12$l3yfEkTkFiKk8yFt93uTTeLOcD8RJ1BI91jlnLbzWNTkDmT8BW0Jq";

  private final Process process;
  private final String address;

  private LocalRegistry(Process process, String address) {
    this.process = process;
    this.address = address;
  }

  /** Starts one and returns once it says it listens. */
  public static LocalRegistry start(Path dir) throws IOException {
    Path binary = Path.of("/usr/bin/docker-registry");
    if (!Files.isExecutable(binary)) fail("no " + binary + ": apt-get install docker-registry (scripts/test.sh does)");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("htpasswd"), USER + ":" + HASH + "\n");
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log: { level: info }
        storage: { filesystem: { rootdirectory: %s }, delete: { enabled: true } }
        http: { addr: "%s" }
        auth: { htpasswd: { realm: pipelinekit-test, path: %s } }
        """.formatted(dir.resolve("storage"), address, dir.resolve("htpasswd")));
    Process process = new ProcessBuilder(binary.toString(), "serve", dir.resolve("config.yml").toString()).redirectErrorStream(true).start();
    // ready when it says it listens (its log goes on being read, so it never blocks on a full pipe)
    BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder said = new StringBuilder();
    for (String line = log.readLine(); ; line = log.readLine()) {
      if (line == null) fail("docker-registry stopped before it listened:\n" + said);
      said.append(line).append('\n');
      if (line.contains("listening on")) break;
    }
    CompletableFuture.runAsync(() -> log.lines().forEach(l -> { }));
    return new LocalRegistry(process, address);
  }

  /** {@code 127.0.0.1:PORT}, the first part of an image's name in this registry. */
  public String address() {
    return address;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
