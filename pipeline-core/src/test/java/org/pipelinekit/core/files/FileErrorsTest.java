package org.pipelinekit.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
  @TempDir Path dir;

  @Test
  void realFailuresSayWhatWentWrongWithWhichFile() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    IOException notDir = catchThrowableOfType(() -> Files.createDirectories(file.resolve("sub")), IOException.class);
    // the OS's reason where the JDK has no exception of its own for it
    assertThat(FileErrors.describe(notDir)).isEqualTo(file.resolve("sub") + ": Not a directory");
    IOException missing = catchThrowableOfType(() -> Files.readString(dir.resolve("missing")), IOException.class);
    assertThat(FileErrors.describe(missing)).isEqualTo(dir.resolve("missing") + ": no such file or directory");
    IOException exists = catchThrowableOfType(() -> Files.createFile(file), IOException.class);
    assertThat(FileErrors.describe(exists)).isEqualTo(file + ": exists already");
  }

  @Test
  void uncheckedWrappersKeepTheirOwnWordsOrTellTheCauses() {
    IOException missing = catchThrowableOfType(() -> Files.readString(dir.resolve("gone")), IOException.class);
    assertThat(FileErrors.describe(new UncheckedIOException(missing))).isEqualTo(dir.resolve("gone") + ": no such file or directory");
    assertThat(FileErrors.describe(new UncheckedIOException("cannot use the cache: disk full", missing))).isEqualTo("cannot use the cache: disk full");
    assertThat(FileErrors.describe(new IllegalStateException("plain"))).isEqualTo("plain");
    assertThat(FileErrors.describe(new IOException("stream closed"))).isEqualTo("stream closed");
  }
}
