package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.pipelinekit.core.spi.Handoffs;

/** The default hand-offs: directories {@code <runRoot>/<execution>/handoff/<stage>/<job>}. */
public final class DirectoryHandoffs implements Handoffs {
  private final Path runRoot;

  public DirectoryHandoffs(Path runRoot) {
    this.runRoot = runRoot;
  }

  private Path stage(String executionId, String stageId) {
    return runRoot.resolve(executionId).resolve("handoff").resolve(stageId);
  }

  @Override
  public void keep(String executionId, String stageId, int job, Path staged) throws IOException {
    Path target = stage(executionId, stageId).resolve(Integer.toString(job));
    Trees.delete(target);
    Files.createDirectories(target.getParent());
    Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void drop(String executionId, String stageId, int job) {
    Trees.delete(stage(executionId, stageId).resolve(Integer.toString(job)));
  }

  @Override
  public void copyInto(String executionId, String stageId, Path into) throws IOException {
    Path handoff = stage(executionId, stageId);
    if (!Files.isDirectory(handoff)) return;
    try (Stream<Path> jobs = Files.list(handoff)) {
      for (Path job : jobs.sorted().toList()) org.pipelinekit.core.files.FileTrees.copy(job, into);
    }
  }

  @Override
  public void copy(String fromExecution, String toExecution) throws IOException {
    org.pipelinekit.core.files.FileTrees.copy(runRoot.resolve(fromExecution).resolve("handoff"), runRoot.resolve(toExecution).resolve("handoff"));
  }

  @Override
  public void delete(String executionId) {
    Trees.delete(runRoot.resolve(executionId).resolve("handoff"));
  }
}
