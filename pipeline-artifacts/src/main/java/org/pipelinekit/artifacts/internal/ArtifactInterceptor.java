package org.pipelinekit.artifacts.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.artifacts.ArtifactException;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.ArtifactRecord;
import org.pipelinekit.artifacts.Upload;
import org.pipelinekit.core.files.Glob;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.spi.JobContext;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobInterceptor;

/**
 * A stage's {@code artifacts:} in the engine, around each attempt of its jobs. After all its steps succeeded, the workspace
 * files its globs match are stored — one matched file as itself, several as a tar — named after
 * the artifact spec or the job; a store that fails (too large, a name taken) fails the stage.
 * Before its first step, artifacts of the stages it needs whose files are missing from its
 * workspace are put back, so a stage finds what its needs produced even in a fresh workspace.
 */
public final class ArtifactInterceptor implements JobInterceptor {
  /** How the engine itself reads artifacts back into workspaces, past the access policy (meant for people). */
  public interface TrustedReader {
    InputStream open(ArtifactRecord artifact);

    void copy(ArtifactRecord artifact, Path target);
  }

  private final ArtifactManager artifacts;
  private final TrustedReader reader;

  public ArtifactInterceptor(ArtifactManager artifacts, TrustedReader reader) {
    this.artifacts = artifacts;
    this.reader = reader;
  }

  @Override
  public String id() {
    return "artifacts";
  }

  @Override
  public CompletionStage<JobExit> intercept(Chain chain) {
    JobContext ctx = chain.context();
    CompletionStage<Void> before = ctx.inputStages().isEmpty()
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.runAsync(() -> restoreNeeded(ctx), ctx.blockingExecutor());
    return before.thenCompose(v -> chain.proceed()).thenCompose(exit -> {
      if (ctx.stage().artifacts().isEmpty() || !stores(ctx.stage().artifacts().get(), exit)) return CompletableFuture.completedFuture(exit);
      return CompletableFuture.supplyAsync(() -> store(ctx, ctx.stage().artifacts().get(), exit), ctx.blockingExecutor());
    });
  }

  /** Whether a job that ended so stores its artifacts: a success, a failure or a timeout as {@code when} says; a cancelled or reused job never. */
  private static boolean stores(ArtifactSpec spec, JobExit exit) {
    return switch (exit.result()) {
      case SUCCEEDED -> spec.when().stores(true);
      case FAILED, ERROR, TIMED_OUT -> spec.when().stores(false);
      default -> false;
    };
  }

  private JobExit store(JobContext ctx, ArtifactSpec spec, JobExit exit) {
    Path ws = ctx.workspace();
    String name = spec.name().orElse(ctx.jobId());
    List<Path> files;
    try {
      files = Glob.find(ws, spec.paths());
    } catch (RuntimeException e) {
      ctx.log("✗ artifact " + name + ": cannot match " + spec.paths() + ": " + e.getMessage());
      return failedStoring(exit, "artifact " + name + " not stored: a path pattern is not a valid glob: " + e.getMessage());
    }
    if (files.isEmpty()) {
      ctx.log("warning: no files match " + spec.paths() + "; artifact " + name + " not stored");
      return exit;
    }
    Optional<String> outside = outsideTheWorkspace(ws, files);
    if (outside.isPresent()) {
      ctx.log("✗ artifact " + name + ": " + outside.get());
      return failedStoring(exit, "artifact " + name + " not stored: " + outside.get());
    }
    Upload upload = Upload.of(ctx.executionId(), ctx.pipelineId(), name).stage(ctx.stage().id(), ctx.jobId());
    if (spec.retention().isPresent()) upload = upload.retention(spec.retention().get());
    try {
      ArtifactRecord r;
      if (files.size() == 1) {
        r = artifacts.storeFile(upload.label("path", files.get(0).toString().replace('\\', '/')), ws.resolve(files.get(0)));
      } else {
        r = artifacts.storeTree(upload, ws, files);
      }
      String url = artifacts.url(r);
      ctx.log("artifact " + name + ": " + files.size() + (files.size() == 1 ? " file, " : " files, ")
          + String.format(Locale.ROOT, "%.1f MB", r.size() / 1e6) + ", " + r.digest() + " → " + url);
      ctx.artifactStored(name, r.id(), r.size(), r.digest(), url);
      return exit;
    } catch (ArtifactException e) {
      ctx.log("✗ " + e.getMessage());
      return failedStoring(exit, "artifact " + name + " not stored: " + e.getMessage());
    }
  }

  /** A store that failed fails a job that had succeeded; a failed job keeps its own failure (the store's is in the log). */
  private static JobExit failedStoring(JobExit exit, String reason) {
    return exit.result() == JobExit.Result.SUCCEEDED ? JobExit.failed(1, reason) : exit;
  }

  /**
   * Why the matched files cannot be stored: one is a link to a file outside the workspace (a step could
   * otherwise publish any file the host's user can read, such as {@code ln -s /etc/shadow x}).
   */
  private static Optional<String> outsideTheWorkspace(Path ws, List<Path> files) {
    Path root;
    try {
      root = ws.toRealPath();
    } catch (java.io.IOException e) {
      return Optional.of("the workspace cannot be read: " + e.getMessage());
    }
    for (Path f : files) {
      try {
        if (!ws.resolve(f).toRealPath().startsWith(root)) {
          return Optional.of(f + " is a link to a file outside the workspace; only files in it (or links to them) are stored");
        }
      } catch (java.io.IOException e) {
        return Optional.of(f + " cannot be read: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Puts back files of the artifacts of the stages the job starts from ({@link JobContext#inputStages}) that its workspace lacks. */
  private void restoreNeeded(JobContext ctx) {
    Set<String> needs = Set.copyOf(ctx.inputStages());
    Path ws = ctx.workspace();
    for (ArtifactRecord r : artifacts.list(ctx.executionId())) {
      if (r.stageId().isEmpty() || !needs.contains(r.stageId().get())) continue;
      try {
        int restored = r.kind() == ArtifactRecord.Kind.FILE ? restoreFile(ws, r) : restoreTar(ws, r);
        if (restored > 0) ctx.log("restored " + restored + " file(s) of artifact " + r.name() + " from stage " + r.stageId().get());
      } catch (IOException | RuntimeException e) {
        ctx.log("warning: cannot restore artifact " + r.name() + ": " + e.getMessage());
      }
    }
  }

  private int restoreFile(Path ws, ArtifactRecord r) {
    String rel = r.labels().get("path");
    if (rel == null) return 0;
    Path target = safe(ws, rel);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return 0;
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new ArtifactException(ErrorCode.ARTIFACT_IO, "cannot create " + target.getParent() + ": " + e.getMessage(), e);
    }
    reader.copy(r, target);
    return 1;
  }

  private int restoreTar(Path ws, ArtifactRecord r) throws IOException {
    int restored = 0;
    try (InputStream in = reader.open(r); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path target = safe(ws, e.getName());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) continue;
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          if (!target.getParent().resolve(e.getLinkName()).normalize().startsWith(ws.normalize())) {
            throw new ArtifactException(ErrorCode.ARTIFACT_NAME_INVALID, "link " + e.getName() + " points outside the workspace");
          }
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target);
          restored++;
        }
      }
      in.transferTo(java.io.OutputStream.nullOutputStream()); // read to the end: the digest check
    }
    return restored;
  }

  private static Path safe(Path ws, String rel) {
    Path target = ws.resolve(rel).normalize();
    if (rel.startsWith("/") || !target.startsWith(ws)) {
      throw new ArtifactException(ErrorCode.ARTIFACT_NAME_INVALID, "artifact path " + rel + " leaves the workspace");
    }
    return target;
  }
}
