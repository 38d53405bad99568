package org.pipelinekit.artifacts.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.artifacts.ArtifactException;

/**
 * Copies content into a channel while computing its SHA-256 and size, never holding more than a few
 * megabytes: as an {@link OutputStream} that writers push into (streams, tar archives), or, from one
 * file to another, with the kernel copying ({@code FileChannel.transferTo}) while a second thread
 * reads the source for the digest.
 */
public final class DigestingCopy {
  private DigestingCopy() {}

  /** The digest and size of what was copied. */
  public record Result(String digest, long size) {}

  /**
   * A stream that writes to {@code target} and hashes on another thread; {@code limit} is checked as
   * bytes arrive (it throws {@code ARTIFACT_TOO_LARGE} through {@code tooLarge}).
   */
  public static Output output(WritableByteChannel target, Executor executor, long limit, LongConsumer tooLarge) {
    return new Output(target, executor, limit, tooLarge);
  }

  public static final class Output extends OutputStream {
    private final WritableByteChannel target;
    private final ParallelSha256 sha;
    private final long limit;
    private final LongConsumer tooLarge;
    private ByteBuffer current;
    private long size;
    private boolean finished;

    Output(WritableByteChannel target, Executor executor, long limit, LongConsumer tooLarge) {
      this.target = target;
      this.sha = new ParallelSha256(executor);
      this.limit = limit;
      this.tooLarge = tooLarge;
    }

    private ByteBuffer current() throws InterruptedIOException {
      if (current == null) {
        try {
          current = sha.buffer();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while storing an artifact");
        }
      }
      return current;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      size += len;
      if (size > limit) tooLarge.accept(size);
      while (len > 0) {
        ByteBuffer buf = current();
        int n = Math.min(len, buf.remaining());
        buf.put(b, off, n);
        off += n;
        len -= n;
        if (!buf.hasRemaining()) flushBuffer();
      }
    }

    private void flushBuffer() throws IOException {
      ByteBuffer buf = current;
      current = null;
      buf.flip();
      ByteBuffer view = buf.duplicate();
      while (view.hasRemaining()) target.write(view);
      try {
        sha.submit(buf);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while storing an artifact");
      }
    }

    /** Writes what is buffered and waits for the digest. */
    public Result finish() throws IOException {
      if (current != null && current.position() > 0) flushBuffer();
      finished = true;
      try {
        return new Result(sha.finish(), size);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while hashing an artifact");
      }
    }

    /** Abandons the copy (the caller drops the target). */
    @Override
    public void close() {
      if (!finished) sha.abandon();
    }
  }

  /**
   * Copies a whole file into a file channel in the kernel while hashing the source on another
   * thread, and forces the copy to disk before waiting for the digest.
   */
  public static Result files(FileChannel source, FileChannel target, Executor executor) throws IOException {
    long size = source.size();
    CompletableFuture<String> digest = CompletableFuture.supplyAsync(() -> hashFile(source, size), executor);
    long done = 0;
    while (done < size) {
      long n = source.transferTo(done, size - done, target);
      if (n <= 0) throw new IOException("the copy stopped at byte " + done + " of " + size);
      done += n;
    }
    target.force(false); // while the digest is still being computed: the two overlap
    try {
      return new Result(digest.get(), size);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing an artifact");
    } catch (ExecutionException e) {
      throw new IOException("cannot hash the artifact: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static String hashFile(FileChannel source, long size) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(ParallelSha256.BUFFER);
      long pos = 0;
      while (pos < size) {
        buf.clear();
        int n = source.read(buf, pos); // positional: independent of the transfer
        if (n < 0) break;
        sha.update(buf.array(), 0, n);
        pos += n;
      }
      return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ArtifactException tooLarge(String what) {
    return new ArtifactException(ErrorCode.ARTIFACT_TOO_LARGE, what);
  }
}
