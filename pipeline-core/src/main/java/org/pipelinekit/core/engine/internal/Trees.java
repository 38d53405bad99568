package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/** Copying a workspace into a re-run's, deleting an expired execution's directory. */
public final class Trees {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trees.class);

  private Trees() {}

  public static void copy(Path from, Path to) {
    if (!Files.isDirectory(from)) return;
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p)) {
          Files.createDirectories(target.getParent());
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new PipelineException(ErrorCode.WORKSPACE_UNAVAILABLE, "cannot copy the workspace of the execution re-run: " + e.getMessage(), e);
    }
  }

  public static void delete(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
