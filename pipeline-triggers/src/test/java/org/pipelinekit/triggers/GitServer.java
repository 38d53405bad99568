package org.pipelinekit.triggers;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real git server for tests: {@code git daemon} serving the bare repositories of a directory on a loopback port
 * (pushes allowed), and a working clone to commit and push from with the git command line.
 */
final class GitServer implements AutoCloseable {
  private final Path root;
  private final Process daemon;
  private final int port;

  GitServer(Path root) throws Exception {
    this.root = root;
    Files.createDirectories(root);
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1",
        "--port=" + port, "--base-path=" + root, root.toString()).redirectErrorStream(true).redirectOutput(root.resolve("daemon.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) { // the daemon listens once it is up: connect until it answers
      try (Socket ignored = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !daemon.isAlive()) throw new IOException("git daemon did not start: " + Files.readString(root.resolve("daemon.log")));
        daemon.waitFor(20, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** A new bare repository {@code name}.git; its URL. */
  String create(String name) throws Exception {
    git(root, "init", "--bare", "-b", "main", name + ".git");
    return "git://127.0.0.1:" + port + "/" + name + ".git";
  }

  /**
   * A working copy at {@code work} on branch main with {@code ci} as its {@code .pipelinekit/ci.yaml} (and any other
   * files given as path, text), committed as "first" and pushed to {@code url}.
   */
  static Path workingCopy(Path work, String url, String ci, String... files) throws Exception {
    Files.createDirectories(work.resolve(".pipelinekit"));
    git(work, "init", "-b", "main");
    Files.writeString(work.resolve(".pipelinekit/ci.yaml"), ci);
    for (int i = 0; i + 1 < files.length; i += 2) {
      Files.createDirectories(work.resolve(files[i]).getParent());
      Files.writeString(work.resolve(files[i]), files[i + 1]);
    }
    git(work, "add", "-A");
    git(work, "commit", "-m", "first");
    git(work, "push", url, "main");
    return work;
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com",
        "-c", "init.defaultBranch=main", "-c", "protocol.version=2"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("git " + String.join(" ", args) + ": " + out);
    return out.strip();
  }

  @Override
  public void close() throws Exception {
    daemon.destroy();
    daemon.waitFor(10, TimeUnit.SECONDS);
  }
}
