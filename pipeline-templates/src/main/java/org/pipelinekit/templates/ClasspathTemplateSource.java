package org.pipelinekit.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The built-in library: folders under {@code org/pipelinekit/templates/library/}, listed in its {@code index.txt}. */
final class ClasspathTemplateSource implements TemplateSource {
  private static final String ROOT = "/org/pipelinekit/templates/library/";

  @Override
  public String name() {
    return "built-in";
  }

  @Override
  public List<TemplateFiles> load() {
    List<TemplateFiles> out = new ArrayList<>();
    for (String line : read("index.txt").split("\n")) {
      String folder = line.strip();
      if (folder.isEmpty() || folder.startsWith("#")) continue;
      out.add(new TemplateFiles("built-in:" + folder, read(folder + "/template.yaml"), "pipeline.yaml", read(folder + "/pipeline.yaml")));
    }
    return out;
  }

  private static String read(String path) {
    try (InputStream in = ClasspathTemplateSource.class.getResourceAsStream(ROOT + path)) {
      if (in == null) throw new IllegalStateException("the built-in template library lacks " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
