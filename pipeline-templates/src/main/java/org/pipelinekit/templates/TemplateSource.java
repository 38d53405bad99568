package org.pipelinekit.templates;

import java.util.List;

/**
 * Where templates come from: the built-ins on the classpath ({@link #builtins()}), a directory of
 * template folders ({@link DirectoryTemplateSource}, which can also store new ones), a local git
 * repository at a ref ({@link GitTemplateSource}). A template folder holds {@code template.yaml}
 * (metadata, parameters, includes) and its body: {@code pipeline.yaml}, or {@code pipeline.pipeline.kts}
 * when pipeline-dsl is on the classpath.
 */
public interface TemplateSource {
  /** A name for messages ("built-in", a directory, a repository and ref). */
  String name();

  /** The template folders, as files read into memory. */
  List<TemplateFiles> load();

  /** One template folder's files: where it is (for messages), {@code template.yaml}, and the body file's name and text. */
  record TemplateFiles(String location, String templateYaml, String bodyName, String bodyText) {}

  static TemplateSource builtins() {
    return new ClasspathTemplateSource();
  }
}
