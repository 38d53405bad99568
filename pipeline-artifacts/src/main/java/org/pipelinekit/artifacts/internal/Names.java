package org.pipelinekit.artifacts.internal;

import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.artifacts.ArtifactException;
import org.pipelinekit.core.model.ArtifactSpec;

/** Artifact names as {@link ArtifactSpec#nameProblem} allows them (the validator's rule), refused with {@code ARTIFACT_NAME_INVALID}. */
public final class Names {
  private Names() {}

  public static String check(String name) {
    String shown = name == null ? "null" : escape(name.length() > 255 ? name.substring(0, 40) + "..." : name);
    ArtifactSpec.nameProblem(name == null ? "" : name).ifPresent(why -> {
      throw new ArtifactException(ErrorCode.ARTIFACT_NAME_INVALID, "artifact name '" + shown + "' is refused: " + why);
    });
    return name;
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    return sb.toString();
  }
}
