package org.pipelinekit.cli;

import org.jspecify.annotations.Nullable;
import org.pipelinekit.imports.CiImport;
import picocli.CommandLine.Option;

/** {@code --from KIND}: read the file as another system's CI file (for plan, export and validate, as run and import have it). */
final class FromOption {
  @Option(names = "--from", paramLabel = "KIND", converter = ImportCommand.Kinds.class,
      description = "Import the file first: gha, gitlab, bitbucket or jenkins (found by name for .github/workflows/*, .gitlab-ci.yml, "
          + "bitbucket-pipelines.yml and Jenkinsfile)")
  CiImport.@Nullable Kind from;
}
