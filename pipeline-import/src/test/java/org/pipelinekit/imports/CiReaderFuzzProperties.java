package org.pipelinekit.imports;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.format.ReaderFuzzProperties;
import org.pipelinekit.core.format.ReaderFuzzProperties.Input;

/**
 * The bounded fuzz run of the four CI importers (core's {@link ReaderFuzzProperties} has the pipeline format and
 * expressions): real CI files from public repositories (test resources {@code fuzz-seeds/}, their sources in
 * SOURCES.tsv) mutated 2,000 times; each must end in a pipeline or the project's own located error within 2 s of
 * CPU, in a JVM of its own with {@code -Xmx256m} (this module's pom). Fixed seed: see core's class.
 */
class CiReaderFuzzProperties {
  private static final List<String> SEEDS = List.of(
      "gitlab--20tab__django-uwsgi-template__.gitlab-ci.yml", "gitlab--0LNetworkCommunity__explorer__.gitlab-ci.yml",
      "gitlab--gitlabhq__gitlab-runner__.gitlab_ci_deploy.gitlab-ci.yml", "gitlab--xiph__opus__.gitlab-ci.yml",
      "gha--xyflow__xyflow__.github_workflows_playwright.yml", "gha--encode__httpx__.github_workflows_publish.yml",
      "gha--simdjson__simdjson__.github_workflows_msys2.yml", "gha--pallets__flask__.github_workflows_tests.yaml",
      "bitbucket--20tab__django-uwsgi-template__bitbucket-pipelines.yml",
      "bitbucket--13125381__affinidi-conflict-resolution__bitbucket-pipelines.yml", "jenkins--apache__zookeeper__Jenkinsfile");

  @AfterContainer
  static void report() {
    ReaderFuzzProperties.report();
  }

  @Provide
  Arbitrary<Input> inputs() {
    return ReaderFuzzProperties.inputs(SEEDS);
  }

  @Property(tries = 2_000, seed = "20261206")
  void everyImporter_endsInAPipelineOrItsOwnError(@ForAll("inputs") Input input) {
    if (input.kind().equals("jenkins")) {
      ReaderFuzzProperties.readsOrRefuses("jenkins import", input,
          () -> CiImport.read(input.text(), "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty()));
      return;
    }
    CiImport.Kind kind = CiImport.Kind.of(input.kind());
    ReaderFuzzProperties.readsOrRefuses(input.kind() + " import", input,
        () -> CiImport.read(input.text(), "fuzz.yml", kind, Optional.empty()).pipeline().stages().forEach(s -> { }));
    ReaderFuzzProperties.readsOrRefuses("pipeline YAML (of a CI file)", input, () -> PipelineFormat.YAML.read(input.text()));
  }
}
