package org.pipelinekit.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.PipelineValidator;

/** The built-in library: eleven templates and two components that read, expand and validate. */
class BuiltinLibraryTest {
  static final TemplateLibrary LIBRARY = TemplateLibrary.builder().builtins().build();

  @Test
  void everyBuiltinTemplateCreatesAValidPipelineWithItsDefaults() {
    List<Template> templates = LIBRARY.getTemplates((String) null);
    assertThat(templates).extracting(Template::id).containsExactlyInAnyOrder("java-maven", "java-gradle", "node-npm", "python-pip",
        "go", "docker-build-push", "monorepo-matrix", "deploy-kubernetes", "static-site-edge", "security-scan", "release-quality-gates");
    PipelineValidator validator = PipelineValidator.create();
    for (Template t : templates) {
      Pipeline p = LIBRARY.createFromTemplate(t.id(), Customization.NONE);
      assertThat(validator.validate(p).errors()).as(t.id()).isEmpty();
      assertThat(p.template().orElseThrow().id()).isEqualTo(t.id());
      assertThat(p.template().orElseThrow().version()).isEqualTo(t.version());
      assertThat(p.id()).isEqualTo(t.id());
    }
    assertThat(LIBRARY.components()).extracting(Template::id).containsExactly("java-build-and-test", "security-checks");
  }

  @Test
  void categoriesFilterTheLibrary() {
    assertThat(LIBRARY.getTemplates("deploy")).extracting(Template::id).containsExactly("deploy-kubernetes", "static-site-edge");
    assertThat(LIBRARY.getTemplates("security")).extracting(Template::id).containsExactly("security-scan");
  }
}
