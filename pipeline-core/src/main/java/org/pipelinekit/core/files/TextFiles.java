package org.pipelinekit.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reading the text files users give: UTF-8, and when a file is not, where the first byte that is not is. */
public final class TextFiles {
  private TextFiles() {}

  /** A file that is not UTF-8 text, with the line and column (1-based) of its first byte that is not. */
  public static final class NotUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    NotUtf8Exception(Path file, int line, int column, int value) {
      super(String.format(Locale.ROOT, "%s: line %d, column %d: byte 0x%02X is not UTF-8 text; save the file as UTF-8", file, line,
          column, value));
      this.line = line;
      this.column = column;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }

    /** What is wrong, without the file and place (for errors that add them themselves). */
    public String reason() {
      String m = getMessage();
      return m.substring(m.indexOf(": byte ") + 2);
    }
  }

  public static String readUtf8(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    var result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
      throw new NotUtf8Exception(file, line, column, bytes[at] & 0xff);
    }
    try {
      decoder.flush(out);
    } catch (IllegalStateException e) {
      throw new CharacterCodingException();
    }
    out.flip();
    return out.toString();
  }
}
