package org.pipelinekit.core.stage.internal;

/** The shell script of the unit-tests type that reads a coverage report and checks the threshold. */
final class Coverage {
  private Coverage() {}

  /**
   * Reads line coverage from a Cobertura XML ({@code line-rate}), a JaCoCo XML (LINE counter), an
   * lcov file (LF/LH) or a file holding just the percentage; records it as the {@code coverage}
   * output and fails below {@code threshold} (when not empty).
   */
  static String script(String file, String threshold) {
    String f = Shell.quote(file);
    return "f=" + f + "; test -f \"$f\" || { echo \"coverage file $f not found\" >&2; exit 1; }; "
        + "if grep -q 'line-rate=' \"$f\"; then cov=$(sed -n 's/.*<coverage[^>]*line-rate=\"\\([0-9.]*\\)\".*/\\1/p' \"$f\" | head -n 1"
        + " | awk '{printf \"%.2f\", $1 * 100}'); "
        + "elif grep -q '<report' \"$f\"; then cov=$(tr '>' '\\n' < \"$f\" | grep 'counter type=\"LINE\"' | tail -n 1"
        + " | sed 's/.*missed=\"\\([0-9]*\\)\" covered=\"\\([0-9]*\\)\".*/\\1 \\2/' | awk '{ if ($1 + $2 > 0) printf \"%.2f\", $2 * 100 / ($1 + $2); else print 0 }'); "
        + "elif grep -q '^LF:' \"$f\"; then cov=$(awk -F: '/^LF:/ {lf += $2} /^LH:/ {lh += $2} END { if (lf > 0) printf \"%.2f\", lh * 100 / lf; else print 0 }' \"$f\"); "
        + "else cov=$(tr -d ' %\\n' < \"$f\"); fi; "
        + Shell.output("coverage", "$cov") + "; echo \"line coverage: $cov%\"; "
        + (threshold.isEmpty() ? "true"
            : "awk -v c=\"$cov\" -v t=" + Shell.quote(threshold)
                + " 'BEGIN { exit (c + 0 >= t + 0) ? 0 : 1 }' || { echo \"coverage $cov% is below the threshold of " + threshold.replace("\"", "")
                + "%\" >&2; exit 1; }");
  }
}
