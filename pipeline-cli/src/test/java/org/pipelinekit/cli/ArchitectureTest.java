package org.pipelinekit.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house rules of STYLE.md (12c) as tests over every module's main classes (this module's tests see them all):
 * no module reaches into another's {@code internal} packages, and third-party types stay in the module made for them,
 * as docs/ARCHITECTURE.md says.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  /** The modules by their root package. */
  private static final List<String> MODULES = List.of("core", "imports", "dsl", "docker", "cache", "artifacts", "templates", "web", "cli");

  @BeforeAll
  static void read() {
    // the other modules' classes come from their jars on the class path, this module's from target/classes
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.pipelinekit");
  }

  @Test
  void noModuleUsesAnotherModulesInternals() {
    for (String module : MODULES) {
      String root = "org.pipelinekit." + module;
      ArchRule rule = noClasses().that().resideOutsideOfPackage(root + "..")
          .should().dependOnClassesThat().resideInAPackage(root + "..internal..")
          .as("no class outside " + root + " uses " + root + "'s internal packages")
          .because("internal packages are not API (STYLE.md 12); make what another module needs public");
      rule.check(classes);
    }
  }

  @Test
  void coresPackagesFormNoCycle() {
    slices().matching("org.pipelinekit.core.(*)..").should().beFreeOfCycles()
        .because("each package can then be understood and changed from the bottom up (a package and its own internal count as one)")
        .check(classes);
  }

  @Test
  void theRunnerSpiAndTheStoresDoNotImportTheEngine() {
    noClasses().that().resideInAnyPackage("org.pipelinekit.core.spi..", "org.pipelinekit.core.store..", "org.pipelinekit.core.log..",
        "org.pipelinekit.core.run..").should().dependOnClassesThat().resideInAPackage("org.pipelinekit.core.engine..")
        .because("the engine uses them, not the other way round: run types live in core.run").check(classes);
  }

  @Test
  void dockerJavaStaysInPipelineDocker() {
    noClasses().that().resideOutsideOfPackage("org.pipelinekit.docker..")
        .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
        .because("third-party types stay inside their module (STYLE.md 11)").check(classes);
  }

  @Test
  void jettyStaysInTheStandaloneLauncher() {
    noClasses().that().resideOutsideOfPackage("org.pipelinekit.cli..")
        .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..")
        .because("the servlet runs in any container; only `serve` starts Jetty").check(classes);
  }

  @Test
  void kotlinStaysInPipelineDsl() {
    noClasses().that().resideOutsideOfPackage("org.pipelinekit.dsl..")
        .should().dependOnClassesThat().resideInAPackage("kotlin..")
        .because("only pipeline-dsl brings the Kotlin standard library and compiler").check(classes);
  }

  @Test
  void jgitStaysWhereTheArchitectureSays() {
    noClasses().that().resideOutsideOfPackages("org.pipelinekit.core.stage.internal..", "org.pipelinekit.templates..",
            "org.pipelinekit.triggers..")
        .should().dependOnClassesThat().resideInAPackage("org.eclipse.jgit..")
        .because("JGit clones for the git-clone stage type, reads template repositories and mirrors the repositories whose commits"
            + " start runs; nothing else needs it").check(classes);
  }
}
