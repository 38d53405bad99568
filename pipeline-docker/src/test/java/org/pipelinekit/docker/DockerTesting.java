package org.pipelinekit.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.pipelinekit.core.engine.PipelineExecutor;

/**
 * What the Docker ITs share: a runner on the real engine, and the base image they run
 * ({@value #IMAGE}: busybox-static as an image, made here when scripts/test.sh has not).
 * Without an engine the ITs fail, saying how to start one; {@code -Dpipelinekit.docker.skip=true}
 * skips them instead, for machines that cannot run Docker.
 */
public final class DockerTesting {
  public static final String IMAGE = "pipelinekit/busybox:test";
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private DockerTesting() {}

  public static DockerRunner runner() {
    return runner(DockerRunner.builder().pullPolicy(PullPolicy.NEVER));
  }

  public static DockerRunner runner(DockerRunner.Builder builder) {
    if (Boolean.getBoolean("pipelinekit.docker.skip")) {
      Assumptions.abort("Docker ITs skipped by -Dpipelinekit.docker.skip=true");
    }
    DockerRunner runner = builder.build();
    try {
      runner.client().pingCmd().exec();
    } catch (RuntimeException e) {
      runner.close();
      fail("no Docker engine answers at " + runner.dockerHost() + " (" + e.getMessage() + "). Start one as scripts/test.sh"
          + " does (dockerd --storage-driver=vfs --bridge=none --iptables=false --ip-masq=false), or skip these tests with"
          + " -Dpipelinekit.docker.skip=true");
    }
    ensureBaseImage(runner);
    return runner;
  }

  /** Closes the executor, then the runner, after checking the runner left no container behind. */
  public static void closeChecked(PipelineExecutor executor, DockerRunner runner) {
    executor.close();
    assertThat(runner.liveContainers()).as("containers left behind").isEmpty();
    runner.close();
  }

  /** Makes {@value #IMAGE} from busybox-static when the engine lacks it. */
  static synchronized void ensureBaseImage(DockerRunner runner) {
    try {
      runner.client().inspectImageCmd(IMAGE).exec();
      return;
    } catch (NotFoundException e) {
      // make it
    }
    if (!Files.isExecutable(BUSYBOX)) {
      fail("the test image " + IMAGE + " is missing and there is no " + BUSYBOX + " to make it from: apt-get install busybox-static");
    }
    try {
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (String dir : new String[] {"bin/", "tmp/", "etc/", "root/"}) {
          TarArchiveEntry d = new TarArchiveEntry(dir);
          d.setMode(dir.equals("tmp/") ? 01777 : 0755);
          out.putArchiveEntry(d);
          out.closeArchiveEntry();
        }
        byte[] busybox = Files.readAllBytes(BUSYBOX);
        TarArchiveEntry bin = new TarArchiveEntry("bin/busybox");
        bin.setMode(0755);
        bin.setSize(busybox.length);
        out.putArchiveEntry(bin);
        out.write(busybox);
        out.closeArchiveEntry();
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
          if (applet.isBlank() || applet.equals("busybox")) continue;
          TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
          link.setLinkName("busybox");
          out.putArchiveEntry(link);
          out.closeArchiveEntry();
        }
        byte[] passwd = "root:x:0:0:root:/root:/bin/sh\n".getBytes();
        TarArchiveEntry pw = new TarArchiveEntry("etc/passwd");
        pw.setSize(passwd.length);
        out.putArchiveEntry(pw);
        out.write(passwd);
        out.closeArchiveEntry();
      }
      // built FROM scratch with the file system ADDed (and unpacked) from the tar: the same build API the docker-build stage uses
      Path context = Files.createTempDirectory("busybox-image-");
      Files.write(context.resolve("rootfs.tar"), tar.toByteArray());
      Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\nCMD [\"sh\"]\n");
      runner.client().buildImageCmd().withBaseDirectory(context.toFile()).withDockerfile(context.resolve("Dockerfile").toFile())
          .withTags(java.util.Set.of(IMAGE)).withNetworkMode("none").exec(new com.github.dockerjava.api.command.BuildImageResultCallback())
          .awaitImageId();
      try (var files = Files.walk(context)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (IOException e) {
      fail("cannot make " + IMAGE + ": " + e.getMessage());
    }
  }
}
