package org.pipelinekit.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnsiTest {
  @Test
  void coloursCursorMovesCharsetsAndLinksGoTheTextStays() {
    assertThat(Ansi.strip("\u001B[1;31merror:\u001B[0m boom")).isEqualTo("error: boom");
    assertThat(Ansi.strip("\u001B[38;2;255;0;0mtrue colour\u001B[m")).isEqualTo("true colour");
    assertThat(Ansi.strip("\u001B[2K\u001B[1Gprogress 100%")).isEqualTo("progress 100%");
    assertThat(Ansi.strip("see \u001B]8;;https://example.org\u0007the docs\u001B]8;;\u001B\\ now")).isEqualTo("see the docs now");
    // tput sgr0 writes ESC ( B before its reset
    assertThat(Ansi.strip("\u001B[32mok\u001B(B\u001B[m done")).isEqualTo("ok done");
    assertThat(Ansi.strip("no codes [31m here")).isEqualTo("no codes [31m here");
  }
}
