package org.pipelinekit.core;

import java.util.Collection;

/** "Did you mean" hints for misspelled names, by edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /** The candidate closest to {@code name}, if one is close enough to be a likely typo. */
  public static java.util.Optional<String> closest(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name, c, bestDistance);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int allowed = name.length() <= 3 ? 1 : name.length() <= 6 ? 2 : 3;
    return bestDistance <= allowed ? java.util.Optional.ofNullable(best) : java.util.Optional.empty();
  }

  /** {@code "; did you mean 'build'?"} or the empty string. */
  public static String didYouMean(String name, Collection<String> candidates) {
    return closest(name, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /**
   * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
   * alignment), or a large number when the lengths alone differ by more than {@code limit}.
   */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > Math.min(limit, 3)) return Integer.MAX_VALUE;
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
