package org.pipelinekit.core.stage.internal;

/** POSIX shell quoting for commands the built-in stage types generate. */
final class Shell {
  private Shell() {}

  /** One shell word: {@code it's} → {@code 'it'\''s'}; plain words stay as they are. */
  static String quote(String s) {
    if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=@%+,".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** A command that appends {@code name=value} to the stage's output file. */
  static String output(String name, String valueExpression) {
    return "echo \"" + name + "=" + valueExpression + "\" >> \"$PIPELINE_OUTPUT\"";
  }
}
