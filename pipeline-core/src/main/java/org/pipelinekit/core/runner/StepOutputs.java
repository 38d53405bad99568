package org.pipelinekit.core.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the file a step writes its outputs to ({@code $PIPELINE_OUTPUT}): {@code name=value} lines,
 * and {@code name<<DELIMITER} … {@code DELIMITER} blocks for values with line breaks (the same
 * forms as GitHub Actions' {@code $GITHUB_OUTPUT}). Lines of neither form are reported. For runners:
 * each one gives its steps such a file and returns what they wrote in {@code StepExit.outputs()}.
 */
public final class StepOutputs {
  /** The environment variable naming the file. */
  public static final String VARIABLE = "PIPELINE_OUTPUT";

  private StepOutputs() {}

  public static Map<String, String> read(Path file, Consumer<String> warnings) {
    if (!Files.exists(file)) return Map.of(); // most steps write none; cheaper than a NoSuchFileException
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      warnings.accept("cannot read the step's outputs from " + file + ": " + e.getMessage());
      return Map.of();
    }
    return parse(lines, warnings);
  }

  public static Map<String, String> parse(List<String> lines, Consumer<String> warnings) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) continue;
      int heredoc = line.indexOf("<<");
      int eq = line.indexOf('=');
      if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
        String name = line.substring(0, heredoc).strip();
        String delimiter = line.substring(heredoc + 2).strip();
        List<String> value = new ArrayList<>();
        int j = i + 1;
        while (j < lines.size() && !lines.get(j).equals(delimiter)) value.add(lines.get(j++));
        if (j == lines.size()) {
          warnings.accept("output '" + name + "' starts a block ending with '" + delimiter + "' that never ends");
          return out;
        }
        out.put(name, String.join("\n", value));
        i = j;
      } else if (eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1));
      } else {
        warnings.accept("ignoring output line " + (i + 1) + " '" + line + "': write name=value");
      }
    }
    return out;
  }
}
