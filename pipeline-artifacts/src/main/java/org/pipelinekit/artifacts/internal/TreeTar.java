package org.pipelinekit.artifacts.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The tar archive of a multi-file artifact, written in one of two ways that give the same bytes:
 * through commons-compress' {@link TarArchiveOutputStream} into any stream, or into a file as a
 * {@link DigestingCopy.Sequence} — each entry's header (commons-compress renders it: long names and
 * large numbers as PAX headers) written as bytes and the content copied by the kernel, small files
 * in one write with their header.
 */
public final class TreeTar {
  private static final int RECORD = 512;
  private static final int BLOCK = 1 << 16;
  /** Files up to this size are read and written in one piece with their header. */
  private static final int SMALL = 1 << 16;

  private TreeTar() {}

  /** Writes the archive through commons-compress. */
  public static void write(OutputStream out, Path root, List<Path> relativePaths) throws IOException {
    TarArchiveOutputStream tar = configured(new TarArchiveOutputStream(out, BLOCK));
    for (Path rel : relativePaths) {
      Path p = root.resolve(rel);
      TarArchiveEntry e = entry(p, rel);
      tar.putArchiveEntry(e);
      if (isContent(e)) Files.copy(p, tar);
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.flush();
  }

  /** Writes the same archive into a file, the kernel copying file contents. */
  public static void write(DigestingCopy.Sequence out, Path root, List<Path> relativePaths) throws IOException {
    long written = 0;
    for (Path rel : relativePaths) {
      Path p = root.resolve(rel);
      TarArchiveEntry e = entry(p, rel);
      byte[] header = header(e);
      long size = isContent(e) ? e.getSize() : 0;
      int padding = (int) ((RECORD - size % RECORD) % RECORD);
      if (size <= SMALL) {
        byte[] whole = new byte[header.length + (int) size + padding];
        System.arraycopy(header, 0, whole, 0, header.length);
        if (size > 0) readFully(p, whole, header.length, (int) size);
        out.write(whole);
      } else {
        out.write(header);
        out.copy(FileChannel.open(p, StandardOpenOption.READ), size, p.toString());
        if (padding > 0) out.write(new byte[padding]);
      }
      written += header.length + size + padding;
    }
    // the end: two empty records, then empty records up to a whole block, as commons-compress' finish writes
    long end = written + 2L * RECORD;
    out.write(new byte[(int) (2L * RECORD + (BLOCK - end % BLOCK) % BLOCK)]);
  }

  private static TarArchiveOutputStream configured(TarArchiveOutputStream tar) {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }

  private static TarArchiveEntry entry(Path p, Path rel) throws IOException {
    String name = rel.toString().replace('\\', '/');
    if (Files.isSymbolicLink(p)) {
      TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(Files.readSymbolicLink(p).toString());
      e.setLastModifiedTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)); // the link's time, not now
      return e;
    }
    TarArchiveEntry e = new TarArchiveEntry(p.toFile(), Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? name + "/" : name);
    // when it was last read or its inode changed is no part of the content (and reading it changes the first)
    e.setLastAccessTime(null);
    e.setStatusChangeTime(null);
    return e;
  }

  /** commons-compress calls a name-only link entry a file too. */
  private static boolean isContent(TarArchiveEntry e) {
    return e.isFile() && !e.isSymbolicLink();
  }

  /**
   * The records commons-compress writes for the entry before its content: with a block of one
   * record each record reaches the stream as soon as it is complete, and a header is whole records.
   */
  private static byte[] header(TarArchiveEntry e) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(RECORD);
    TarArchiveOutputStream tar = configured(new TarArchiveOutputStream(bytes, RECORD));
    tar.putArchiveEntry(e); // never finished: only the header is wanted
    return bytes.toByteArray();
  }

  private static void readFully(Path p, byte[] into, int offset, int length) throws IOException {
    try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(into, offset, length);
      while (b.hasRemaining()) {
        if (in.read(b) < 0) {
          throw new IOException(p + " became shorter while it was being stored (" + (b.position() - offset) + " of " + length + " bytes)");
        }
      }
    }
  }
}
