package org.pipelinekit.samples;

import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.templates.Customization;
import org.pipelinekit.templates.TemplateLibrary;

/** A pipeline from the built-in template library. The README shows this file; TemplateSampleTest checks it. */
public final class TemplateSample {
  private TemplateSample() {}

  public static Pipeline ordersCi() {
    TemplateLibrary library = TemplateLibrary.builder().builtins().build();  // also .directory(dir, true), .git(repo, "v2")
    Pipeline ci = library.createFromTemplate("java-maven", Customization.builder()
        .id("orders-ci")
        .set("repository", "https://git.example.org/shop/orders.git")
        .set("jdk", "21")
        .set("coverage_threshold", 80)
        .setInput("checkout", "depth", 10)
        .build());                                     // validated; TemplateException lists every problem
    return ci;
  }
}
