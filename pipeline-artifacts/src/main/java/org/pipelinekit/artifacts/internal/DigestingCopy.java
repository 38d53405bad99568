package org.pipelinekit.artifacts.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * reads the source for the digest; or as a {@link Sequence} of byte arrays and whole files written
 * into a file (tar archives of many files), the files copied by the kernel likewise.
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
      MessageDigest sha = sha256();
      update(sha, source, size, ByteBuffer.allocate(ParallelSha256.BUFFER));
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Hashes the first {@code size} bytes of {@code source}, read positionally (independent of a transfer). */
  private static void update(MessageDigest sha, FileChannel source, long size, ByteBuffer buf) throws IOException {
    long pos = 0;
    while (pos < size) {
      buf.clear();
      if (size - pos < buf.capacity()) buf.limit((int) (size - pos));
      int n = source.read(buf, pos);
      if (n < 0) throw new IOException("the file ended at byte " + pos + " of " + size + " while it was being hashed");
      sha.update(buf.array(), 0, n);
      pos += n;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A sequence of byte arrays and whole files written into {@code target}, files copied by the kernel,
   * while another thread hashes the same sequence (the arrays as given, the files read again from
   * their page cache); {@code limit} is checked before anything is written.
   */
  public static Sequence sequence(FileChannel target, Executor executor, long limit, LongConsumer tooLarge) {
    return new Sequence(target, executor, limit, tooLarge);
  }

  public static final class Sequence implements AutoCloseable {
    private static final Object END = new Object();
    private static final long FORCE_EVERY = 32L << 20;

    /** A file whose first {@code size} bytes were copied, to hash and then close. */
    private record Copied(FileChannel source, long size) {}

    private final FileChannel target;
    private final long limit;
    private final LongConsumer tooLarge;
    /** What was written, in order, for the digest thread: byte arrays, {@link Copied} files, then {@link #END}. */
    private final BlockingQueue<Object> written = new ArrayBlockingQueue<>(8);
    private final CompletableFuture<String> digest = new CompletableFuture<>();
    private volatile boolean abandoned;
    private long size;
    /** Bytes written since the target was last forced to disk. */
    private long unforced;
    private boolean ended;

    Sequence(FileChannel target, Executor executor, long limit, LongConsumer tooLarge) {
      this.target = target;
      this.limit = limit;
      this.tooLarge = tooLarge;
      executor.execute(this::hash);
    }

    /** Writes {@code bytes}, which must not change afterwards (they are hashed later). */
    public void write(byte[] bytes) throws IOException {
      grow(bytes.length);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) target.write(b);
      hand(bytes, bytes.length);
    }

    /**
     * Copies the first {@code length} bytes of {@code source} and takes it over (it is closed once
     * hashed, or at once on failure); {@code what} names it in the error if the file is shorter.
     */
    public void copy(FileChannel source, long length, String what) throws IOException {
      try {
        grow(length);
        long done = 0;
        while (done < length) {
          long n = source.transferTo(done, length - done, target);
          if (n <= 0) throw new IOException(what + " became shorter while it was being stored (" + done + " of " + length + " bytes)");
          done += n;
        }
      } catch (IOException | RuntimeException e) {
        source.close();
        throw e;
      }
      hand(new Copied(source, length), length);
    }

    private void grow(long n) {
      size += n;
      if (size > limit) tooLarge.accept(size);
    }

    /**
     * Hands what was written to the digest thread. The kernel copies faster than SHA-256 runs, so the
     * writer soon waits for room here; before it does, it forces what it wrote to disk, so the disk
     * writes overlap the hashing instead of following it.
     */
    private void hand(Object part, long length) throws IOException {
      unforced += length;
      if (unforced >= FORCE_EVERY && written.remainingCapacity() == 0) {
        target.force(false);
        unforced = 0;
      }
      try {
        written.put(part);
      } catch (InterruptedException e) {
        if (part instanceof Copied c) closeQuietly(c.source());
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while storing an artifact");
      }
    }

    /** Forces what was written to disk while the digest is finished, then waits for it. */
    public Result finish() throws IOException {
      ended = true;
      end();
      target.force(false);
      try {
        return new Result(digest.get(), size);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while hashing an artifact");
      } catch (ExecutionException e) {
        throw new IOException("cannot hash the artifact: " + e.getCause().getMessage(), e.getCause());
      }
    }

    /** Abandons the sequence unless finished (the caller drops the target); files not yet hashed are closed. */
    @Override
    public void close() {
      if (ended) return;
      ended = true;
      abandoned = true;
      end();
    }

    /** Hands the end over even to an interrupted thread: the digest thread always drains up to it. */
    private void end() {
      boolean interrupted = false;
      while (true) {
        try {
          written.put(END);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
    }

    private void hash() {
      MessageDigest sha = sha256();
      ByteBuffer buf = ByteBuffer.allocate(ParallelSha256.BUFFER);
      Exception failed = null;
      boolean interrupted = false;
      while (true) {
        Object part;
        try {
          part = written.take();
        } catch (InterruptedException e) {
          interrupted = true; // keeps draining: the writer waits for room, and files must be closed
          continue;
        }
        if (part == END) break;
        if (part instanceof byte[] bytes) {
          if (failed == null) sha.update(bytes);
        } else if (part instanceof Copied c) {
          try (FileChannel source = c.source()) {
            if (failed == null && !abandoned) update(sha, source, c.size(), buf);
          } catch (IOException e) {
            if (failed == null) failed = e;
          }
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
      if (failed != null) digest.completeExceptionally(failed);
      else digest.complete("sha256:" + HexFormat.of().formatHex(sha.digest()));
    }

    private static void closeQuietly(FileChannel c) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing a file only read from
      }
    }
  }

  static ArtifactException tooLarge(String what) {
    return new ArtifactException(ErrorCode.ARTIFACT_TOO_LARGE, what);
  }
}
