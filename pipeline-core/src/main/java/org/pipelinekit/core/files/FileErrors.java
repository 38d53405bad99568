package org.pipelinekit.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/**
 * File errors in words. The JDK's file exceptions often say no more than the path ({@code /data/x}); this says what
 * went wrong with it: {@code /data/x: no such file or directory}.
 */
public final class FileErrors {
  private FileErrors() {}

  public static String describe(IOException e) {
    if (!(e instanceof FileSystemException f) || f.getFile() == null) return String.valueOf(e.getMessage());
    String what;
    if (f instanceof NoSuchFileException) what = "no such file or directory";
    else if (f instanceof AccessDeniedException) what = "permission denied";
    else if (f instanceof FileAlreadyExistsException) what = "exists already";
    else if (f instanceof NotDirectoryException) what = "not a directory";
    else if (f instanceof DirectoryNotEmptyException) what = "the directory is not empty";
    else what = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
    return f.getFile() + (f.getOtherFile() != null ? " → " + f.getOtherFile() : "") + ": " + what;
  }

  /**
   * A store's failure to do something with its files, as the exception stores throw: {@code STORE_FULL}
   * when the disk or quota is full (which the API answers with 507), else {@code STORE_UNAVAILABLE} (503).
   * The message says what was being done, to which file, and why.
   */
  public static PipelineException storeFailure(String doing, IOException e) {
    String why = describe(e);
    boolean full = isFull(e);
    return new PipelineException(full ? ErrorCode.STORE_FULL : ErrorCode.STORE_UNAVAILABLE, doing + ": " + why
        + (full ? "; free space where the data directory is and try again" : ""), e);
  }

  /** Whether the failure is a full disk or an exhausted quota (ENOSPC, EDQUOT). */
  public static boolean isFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) return true;
    }
    return false;
  }

  /**
   * The words for an I/O failure, also one wrapped unchecked (whose own message is kept when it says more than its
   * cause), or for any other exception its message.
   */
  public static String describe(Throwable t) {
    if (t instanceof UncheckedIOException u) {
      return u.getMessage() == null || u.getMessage().equals(u.getCause().toString()) ? describe(u.getCause()) : u.getMessage();
    }
    if (t instanceof IOException io) return describe(io);
    return String.valueOf(t.getMessage());
  }
}
