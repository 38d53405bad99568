package org.pipelinekit.samples;

import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.ValidationResult;

/** The README's Java quick start, as the README shows it: compiled and run by this module's tests. */
public final class QuickStart {
  private QuickStart() {}

  public static Pipeline pipeline() {
    Pipeline ci = Pipeline.builder("java-ci")
        .trigger(Trigger.push("main"))
        .stage("build", s -> s.type("maven-build").with("goals", "package"))
        .stage("test", s -> s.needs("build").run("mvn -B verify")
            .matrix(m -> m.axis("jdk", "17", "21")))
        .stage("deploy", s -> s.needs("test").when("branch == 'main'")
            .run("./deploy.sh ${{ stages.build.outputs.version }}"))
        .build();
    ValidationResult result = PipelineValidator.create().validate(ci); // every problem at once, with paths
    String yaml = PipelineFormat.YAML.write(ci);                         // the pipeline as code
    result.orThrow();                                                   // PipelineValidationException with them all
    System.out.print(yaml);
    return ci;
  }

  public static void main(String[] args) {
    pipeline();
  }
}
