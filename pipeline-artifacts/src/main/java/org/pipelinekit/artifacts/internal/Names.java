package org.pipelinekit.artifacts.internal;

import org.pipelinekit.artifacts.ArtifactException;

/** Artifact names: printable, relative, no {@code ..}, at most 255 characters. */
public final class Names {
  private Names() {}

  public static String check(String name) {
    if (name == null || name.isBlank()) throw invalid(String.valueOf(name), "it is empty");
    if (name.length() > 255) throw invalid(name.substring(0, 40) + "...", "it is longer than 255 characters");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == 0) throw invalid(name.replace("\0", "\\0"), "it contains a NUL character");
      if (c < 0x20 || c == 0x7f) throw invalid(escape(name), "it contains the control character U+" + String.format("%04X", (int) c));
      if (c == '\\') throw invalid(name, "it contains a backslash; use / to group names");
    }
    if (name.startsWith("/")) throw invalid(name, "it is an absolute path; use a relative name");
    for (String part : name.split("/", -1)) {
      if (part.equals("..")) throw invalid(name, "it climbs out with ..");
      if (part.isEmpty()) throw invalid(name, "it has an empty path segment");
      if (part.equals(".")) throw invalid(name, "it has a . segment");
    }
    return name;
  }

  private static ArtifactException invalid(String name, String why) {
    return new ArtifactException("ARTIFACT_NAME_INVALID", "artifact name '" + name + "' is refused: " + why);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    return sb.toString();
  }
}
