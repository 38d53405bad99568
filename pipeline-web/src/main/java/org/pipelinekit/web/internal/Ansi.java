package org.pipelinekit.web.internal;

import java.util.regex.Pattern;

/** Terminal escape codes in log text. */
final class Ansi {
  // CSI sequences (colours, cursor moves), OSC sequences (titles, links) ended by BEL or ESC \, character set
  // designations (tput sgr0 writes ESC ( B) and two-character escapes
  private static final Pattern ESCAPES = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)|\u001B[()*+][0-9A-Za-z]|\u001B[@-Z\\\\-_]");

  private Ansi() {}

  /** The text as a terminal would show it, without colours: what a downloaded log holds. */
  static String strip(String text) {
    return text.indexOf('\u001B') < 0 ? text : ESCAPES.matcher(text).replaceAll("");
  }
}
