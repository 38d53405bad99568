package org.pipelinekit.kubernetes.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the runner executes in a job's pod, as {@code sh -c} scripts that take their values as arguments (so an exec's URL
 * holds no secret: a step's environment travels in its script, over the exec's stdin). Every step runs detached from the
 * exec that started it, its output going to a file in {@link JobPods#RUNNER_DIR}: the exec follows that file from a byte
 * offset, so a dropped connection is followed again from where it broke, without a line twice, and the step runs on
 * meanwhile. The exec ends with the step's exit code; anything on its stderr is the runner's own trouble.
 */
public final class PodScripts {
  private PodScripts() {}

  private static final String VARS = "P=" + JobPods.RUNNER_DIR + " W=" + JobPods.WORKSPACE + " S=$1; ";

  /** Follows step {@code $1}'s log from byte {@code $2} until the step has ended; exits with its exit code. */
  private static final String FOLLOW = """
      while :; do
        d=; [ -f "$P/s$S.exit" ] && d=1
        n=$(($(wc -c < "$P/s$S.log")))
        if [ "$n" -gt "$o" ]; then tail -c +$((o + 1)) "$P/s$S.log" | head -c $((n - o)); o=$n; fi
        if [ -n "$d" ]; then exit "$(cat "$P/s$S.exit")"; fi
        sleep 0.1 2>/dev/null || sleep 1
      done
      """;

  /**
   * Starts step {@code $1}: reads its script ({@code $2} bytes) and a tar of the workspace's changes ({@code $3} bytes, or
   * {@code staged}: already in the pod, see {@link #STAGE}) from stdin (counted: the exec protocol cannot close stdin, and busybox's tar reads to the end of its input), unpacks the tar,
   * starts the script detached and follows its log from the start.
   */
  public static final String START = VARS + """
      head -c "$2" > "$P/s$S.sh" && { [ "$3" = staged ] || head -c "$3" > "$P/in.tar"; } || { echo "cannot write the step's files in the pod" >&2; exit 1; }
      command -v tar >/dev/null 2>&1 || { echo "the job's image has no tar; the runner carries the workspace with it, as kubectl cp does: use an image with sh and tar" >&2; exit 1; }
      tar -xf "$P/in.tar" -C "$W" || { echo "cannot unpack the workspace into the pod (tar failed)" >&2; exit 1; }
      rm -f "$P/in.tar"; touch "$P/alive" "$P/s$S.running"; : > "$P/s$S.log"
      ( P="$P" W="$W" sh "$P/s$S.sh" > "$P/s$S.log" 2>&1 < /dev/null; echo $? > "$P/s$S.x"; mv "$P/s$S.x" "$P/s$S.exit"; rm -f "$P/s$S.running" ) &
      o=0
      """ + FOLLOW;

  /** Appends {@code $2} bytes from stdin to the workspace tar of the step about to start ({@code $2} = 0: starts it afresh). */
  public static final String STAGE = VARS + """
      if [ "$2" = 0 ]; then : > "$P/in.tar"; else head -c "$2" >> "$P/in.tar"; fi
      """;

  /** Follows step {@code $1} again from byte {@code $2}, after a dropped connection. */
  public static final String FOLLOW_AGAIN = VARS + """
      [ -f "$P/s$S.log" ] || { echo "step $S left no log in the pod" >&2; exit 1; }
      o=$2
      """ + FOLLOW;

  /**
   * After step {@code $1}: the pod's clock, then every path of the workspace as {@code <mode hex> <size> <mtime> <path>} on
   * stdout; the step's outputs file on stderr; the step's files removed.
   */
  public static final String COLLECT = VARS + """
      date +%s && cd "$W" && find . -mindepth 1 -exec stat -c '%f %s %Y %n' {} + || exit 1
      cat "$P/s$S.out" >&2 2>/dev/null
      rm -f "$P/s$S.out" "$P/s$S.log" "$P/s$S.exit"; touch "$P/alive"
      """;

  /**
   * A tar of the paths listed in the {@code $2} bytes on stdin (one per line), relative to the workspace; with {@code tar -T}
   * where the image's tar has it, else with the paths as arguments (busybox built without it).
   */
  public static final String FETCH = VARS + """
      head -c "$2" > "$P/fetch" && cd "$W" || exit 1
      if tar -cf /dev/null -T /dev/null 2>/dev/null; then tar -cf - -T "$P/fetch"
      else set --; while IFS= read -r f; do set -- "$@" "$f"; done < "$P/fetch"; tar -cf - "$@"; fi
      e=$?; rm -f "$P/fetch"; exit $e
      """;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The script of step {@code number}: deletes what the host deleted, goes to {@code directory} (relative to the workspace),
   * points {@code $PIPELINE_OUTPUT} at the runner's file, exports the environment and runs {@code command}. It removes
   * itself as it starts (it holds the step's secrets).
   */
  public static byte[] step(int number, String directory, Map<String, String> env, List<String> deleted, String command) {
    StringBuilder s = new StringBuilder("rm -f \"$0\"\n");
    if (!deleted.isEmpty()) {
      s.append("cd \"$W\" && rm -rf --");
      for (String d : deleted) s.append(' ').append(quote(d));
      s.append('\n');
    }
    s.append("cd \"$W\"/").append(quote(directory)).append(" || exit 1\n");
    s.append("export PIPELINE_OUTPUT=\"$P/s").append(number).append(".out\"; : > \"$PIPELINE_OUTPUT\"\n");
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("'" + e.getKey() + "' cannot be an environment variable in a pod's shell: use letters, digits and _");
      }
      s.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append('\n');
    }
    s.append("unset P W\n").append(command).append('\n');
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
