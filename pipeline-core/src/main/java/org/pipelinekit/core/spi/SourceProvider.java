package org.pipelinekit.core.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionHeader;

/**
 * The code an execution builds, when its trigger names it (a repository and a commit): made once per execution — a
 * checkout of the commit — and copied into each of its jobs' workspaces. pipeline-triggers checks commits out of its
 * repository mirrors. An execution it has nothing for starts from the executor's default source, if any.
 */
public interface SourceProvider {
  /**
   * Makes the execution's source at {@code dir} (which does not exist yet; several hosts may try at once, so make it
   * elsewhere and move it there) and returns it, or returns empty when this provider has nothing for the execution.
   */
  Optional<Path> prepare(ExecutionHeader header, Path dir) throws IOException;
}
