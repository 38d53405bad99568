package org.pipelinekit.artifacts.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * SHA-256 on another thread: callers hand over filled buffers from {@link #buffer()} with
 * {@link #submit}; the digest thread hashes them in order and gives them back for reuse. With the
 * copy on one core and the hash on another, storing runs at the speed of the slower of the two
 * instead of their sum.
 */
final class ParallelSha256 {
  static final int BUFFER = 1 << 20;
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(4);
  private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(4);
  private final CompletableFuture<String> digest = new CompletableFuture<>();

  ParallelSha256(Executor executor) {
    for (int i = 0; i < 4; i++) free.add(ByteBuffer.allocate(BUFFER));
    executor.execute(this::hash);
  }

  private void hash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      while (true) {
        ByteBuffer b = full.take();
        if (b == END) break;
        sha.update(b.array(), 0, b.limit());
        b.clear();
        free.put(b);
      }
      digest.complete("sha256:" + HexFormat.of().formatHex(sha.digest()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      digest.completeExceptionally(e);
    } catch (NoSuchAlgorithmException | RuntimeException e) {
      digest.completeExceptionally(e);
    }
  }

  /** An empty buffer to fill (waits while all are being hashed). */
  ByteBuffer buffer() throws InterruptedException {
    return free.take();
  }

  /** Hands a filled, flipped buffer (position 0, limit = length) over for hashing. */
  void submit(ByteBuffer filled) throws InterruptedException {
    full.put(filled);
  }

  /** Ends the input and waits for the digest ({@code sha256:<hex>}). */
  String finish() throws InterruptedException {
    full.put(END);
    try {
      return digest.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("hashing failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Stops without a result (the copy failed). */
  void abandon() {
    full.clear();
    full.offer(END);
  }
}
