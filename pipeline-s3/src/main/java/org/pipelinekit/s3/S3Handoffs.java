package org.pipelinekit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.pipelinekit.core.spi.Handoffs;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Hand-offs in a bucket, as {@code handoff/<execution>/<stage>/<job>.tar}: the hosts of a cluster hand a job's files to the
 * jobs after it without sharing a runs directory ({@code PipelineExecutor.Builder.handoffs}). Regular files and
 * directories go in a tar with their modes; names that would leave the target are refused when unpacked.
 */
public final class S3Handoffs implements Handoffs {
  private final S3Bucket bucket;

  public S3Handoffs(S3Bucket bucket) {
    this.bucket = bucket;
  }

  private static String prefix(String executionId, String stageId) {
    return "handoff/" + executionId + "/" + stageId + "/";
  }

  @Override
  public void keep(String executionId, String stageId, int job, Path staged) throws IOException {
    Path tar = Files.createTempFile("pipelinekit-handoff-", ".tar");
    try {
      try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
        t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        try (Stream<Path> all = Files.walk(staged)) {
          for (Path p : all.sorted().toList()) {
            if (p.equals(staged) || Files.isSymbolicLink(p)) continue;
            String name = staged.relativize(p).toString().replace('\\', '/') + (Files.isDirectory(p) ? "/" : "");
            TarArchiveEntry e = new TarArchiveEntry(p.toFile(), name);
            t.putArchiveEntry(e);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) Files.copy(p, t);
            t.closeArchiveEntry();
          }
        }
      }
      bucket.upload(prefix(executionId, stageId) + job + ".tar", tar);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  @Override
  public void drop(String executionId, String stageId, int job) throws IOException {
    bucket.delete(prefix(executionId, stageId) + job + ".tar");
  }

  @Override
  public void copyInto(String executionId, String stageId, Path into) throws IOException {
    List<S3Object> jobs = bucket.list(prefix(executionId, stageId)).stream()
        .sorted(Comparator.comparingLong(o -> jobNumber(bucket.nameOf(o)))).toList();
    for (S3Object job : jobs) {
      try (InputStream in = bucket.open(bucket.nameOf(job)); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
        Path root = into.toAbsolutePath().normalize();
        for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
          Path target = root.resolve(e.getName()).normalize();
          if (!target.startsWith(root)) throw new IOException("hand-off entry " + e.getName() + " would leave the workspace");
          if (e.isDirectory()) {
            Files.createDirectories(target);
          } else if (e.isFile()) {
            Files.createDirectories(target.getParent());
            Files.copy(t, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().setExecutable((e.getMode() & 0100) != 0, true);
          }
        }
      }
    }
  }

  private static long jobNumber(String name) {
    String last = name.substring(name.lastIndexOf('/') + 1).replace(".tar", "");
    return last.matches("[0-9]+") ? Long.parseLong(last) : Long.MAX_VALUE;
  }

  @Override
  public void copy(String fromExecution, String toExecution) throws IOException {
    String from = "handoff/" + fromExecution + "/";
    for (S3Object o : bucket.list(from)) {
      String name = bucket.nameOf(o);
      Path tmp = Files.createTempFile("pipelinekit-handoff-", ".tar");
      try {
        try (InputStream in = bucket.open(name)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        bucket.upload("handoff/" + toExecution + "/" + name.substring(from.length()), tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  @Override
  public void delete(String executionId) throws IOException {
    for (S3Object o : bucket.list("handoff/" + executionId + "/")) bucket.delete(bucket.nameOf(o));
  }
}
