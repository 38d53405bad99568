package org.pipelinekit.core.model;


/** The shape of pipeline and stage ids: lower-case letters, digits, {@code _} and {@code -}, starting with a letter or digit. */
public final class Ids {
  public static final int MAX_LENGTH = 100;

  private Ids() {}

  public static boolean isValid(String id) {
    int n = id.length();
    if (n == 0 || n > MAX_LENGTH) return false;
    for (int i = 0; i < n; i++) { // the pattern [a-z0-9][a-z0-9_-]*, without a regex on this hot path
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
      if (!ok) return false;
    }
    return true;
  }

  /** A valid id made from free text: {@code "Build & Test"} → {@code build-test}. */
  public static String slug(String text) {
    String s = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[-_]+|-+$", "");
    if (s.isEmpty()) s = "stage";
    return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
  }

  /** The id, or an error that says what a valid one looks like. */
  public static String require(String id, String what) {
    Checks.notNull(id, what);
    if (!isValid(id)) {
      throw new IllegalArgumentException(what + " '" + id + "' is not a valid id: use lower-case letters, digits, _ and -,"
          + " starting with a letter or digit, at most " + MAX_LENGTH + " characters (for example '" + slug(id) + "')");
    }
    return id;
  }
}
