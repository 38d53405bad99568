package org.pipelinekit.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Template folders in a directory: every subdirectory holding a {@code template.yaml}. It is also
 * where {@link TemplateLibrary#save} writes templates ({@code <id>-<version>/}), each file written
 * to a temporary name and renamed.
 */
public final class DirectoryTemplateSource implements TemplateSource {
  private final Path dir;

  public DirectoryTemplateSource(Path dir) {
    this.dir = dir;
  }

  @Override
  public String name() {
    return dir.toString();
  }

  @Override
  public List<TemplateFiles> load() {
    List<TemplateFiles> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> folders = Files.list(dir)) {
      for (Path folder : folders.sorted().toList()) {
        Path meta = folder.resolve("template.yaml");
        if (!Files.isRegularFile(meta)) continue;
        Path body = Files.exists(folder.resolve("pipeline.pipeline.kts")) ? folder.resolve("pipeline.pipeline.kts")
            : folder.resolve("pipeline.yaml");
        out.add(new TemplateFiles(folder.toString(), Files.readString(meta, StandardCharsets.UTF_8), body.getFileName().toString(),
            Files.isRegularFile(body) ? Files.readString(body, StandardCharsets.UTF_8) : ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read templates from " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Writes a template folder; refuses to replace an existing version. */
  void write(String folderName, String templateYaml, String pipelineYaml) {
    Path folder = dir.resolve(folderName);
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempDirectory(dir, ".saving-");
      Files.writeString(temp.resolve("template.yaml"), templateYaml, StandardCharsets.UTF_8);
      Files.writeString(temp.resolve("pipeline.yaml"), pipelineYaml, StandardCharsets.UTF_8);
      Files.move(temp, folder, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save template " + folderName + " in " + dir + ": " + e.getMessage(), e);
    }
  }
}
