package org.pipelinekit.core.runner;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts step processes with the C library's {@code posix_spawn} (through JNA), as make does, instead of the JDK's
 * {@code ProcessBuilder}: one {@code clone(CLONE_VFORK)} and one {@code exec} of the program itself, where the JDK's
 * default (since 12: {@code POSIX_SPAWN}) execs its {@code jspawnhelper} first and that execs the program, and a step in a
 * session of its own needs no {@code setsid} program ({@code POSIX_SPAWN_SETSID}). 200 {@code /bin/true} on 2 threads:
 * 155 ms through the JDK's default, 83 ms with its {@code VFORK} (deprecated, and a JVM-wide setting that belongs to the
 * host application); {@code VFORK}'s one exec is what this does too.
 *
 * <p>Only where it is safe and complete: Linux with glibc 2.34 or newer (x86-64 and AArch64), where the child can be told
 * to close every descriptor above 2 ({@code posix_spawn_file_actions_addclosefrom_np}: the JVM opens files without
 * {@code O_CLOEXEC}, which the JDK copes with by closing them in every child) and to change directory
 * ({@code addchdir_np}). Elsewhere, or with {@code -Dpipelinekit.spawn=jdk}, {@link #get()} is empty and the runner uses
 * {@code ProcessBuilder}.
 *
 * <p>The caller owns what it gets: it reads the output pipe ({@link Output}), waits for the process ({@link #awaitExit})
 * and reaps it ({@link #waitpid}); this class has no thread.
 */
final class PosixSpawn {
  private static final Logger LOG = LoggerFactory.getLogger(PosixSpawn.class);

  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  private static final int SIGPIPE = 13;
  private static final int EINTR = 4;
  static final int ENOEXEC = 8;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final short POLLIN = 0x1;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  private static final int WNOHANG = 1;
  private static final int P_PID = 1;
  private static final int WEXITED = 4;
  private static final int WNOWAIT = 0x01000000;
  /** glibc's {@code posix_spawn_file_actions_t} is 80 bytes, {@code posix_spawnattr_t} 336, {@code sigset_t} 128: room to spare. */
  private static final int STRUCT_BYTES = 512;
  private static final String UTF_8 = "UTF-8";

  /** The functions of the C library used here. */
  @SuppressWarnings("checkstyle:MethodName")
  interface LibC extends Library {
    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes, StringArray argv, StringArray envp);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

    int sigemptyset(Pointer signals);

    int sigaddset(Pointer signals, int signal);

    int pipe2(int[] fds, int flags);

    int poll(Pointer fds, NativeLong count, int timeoutMillis);

    NativeLong read(int fd, Pointer buffer, NativeLong count);

    int close(int fd);

    int waitpid(int pid, IntByReference status, int options);

    int waitid(int idType, int id, Pointer info, int options);

    int kill(int pid, int signal);

    String strerror(int errno);
  }

  private static final @Nullable PosixSpawn INSTANCE = load();

  private final LibC c;

  private PosixSpawn(LibC c) {
    this.c = c;
  }

  /** The spawner, where this machine and JVM allow it (see the class comment). */
  static Optional<PosixSpawn> get() {
    return Optional.ofNullable(INSTANCE);
  }

  private static @Nullable PosixSpawn load() {
    if ("jdk".equals(System.getProperty("pipelinekit.spawn"))) return null;
    if (!Platform.isLinux() || !(Platform.ARCH.equals("x86-64") || Platform.ARCH.equals("aarch64"))) return null;
    try {
      // (UTF-8 for every string handed over, whatever the JVM's default charset: a C locale would turn ü into ?)
      LibC c = Native.load("c", LibC.class, java.util.Map.of(Library.OPTION_STRING_ENCODING, UTF_8));
      com.sun.jna.NativeLibrary lib = com.sun.jna.NativeLibrary.getInstance("c");
      lib.getFunction("posix_spawn_file_actions_addclosefrom_np"); // glibc 2.34 (throws where missing: musl, older glibc)
      lib.getFunction("posix_spawn_file_actions_addchdir_np");
      return new PosixSpawn(c);
    } catch (LinkageError | RuntimeException e) { // no JNA, no native library for it, no such function
      LOG.debug("starting steps through ProcessBuilder: posix_spawn is not usable here ({})", e.toString());
      return null;
    }
  }

  /** A started process: its pid and the read end of the pipe its stdout and stderr go to. */
  record Child(int pid, Output output) {}

  /**
   * Starts {@code argv} (its first word a path) in {@code directory} with exactly {@code env}, stdin from
   * {@code /dev/null}, stdout and stderr into one pipe, every other descriptor closed; in a session of its own when
   * {@code session} (so its process group id is its pid).
   *
   * @throws SpawnException with the C library's error number when it cannot start (no such program or directory,
   *     not executable, {@code ENOEXEC} for a file that is no program)
   */
  Child spawn(List<String> argv, Map<String, String> env, Path directory, boolean session) throws SpawnException {
    int[] pipe = new int[2];
    if (c.pipe2(pipe, O_CLOEXEC) != 0) throw new SpawnException(Native.getLastError(), "cannot make a pipe");
    Memory actions = new Memory(STRUCT_BYTES);
    Memory attributes = new Memory(STRUCT_BYTES);
    Memory none = new Memory(STRUCT_BYTES);
    Memory defaults = new Memory(STRUCT_BYTES);
    c.posix_spawn_file_actions_init(actions);
    c.posix_spawnattr_init(attributes);
    try {
      check(c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0));
      check(c.posix_spawn_file_actions_adddup2(actions, pipe[1], 1)); // (dup2 clears close-on-exec on 1 and 2)
      check(c.posix_spawn_file_actions_adddup2(actions, pipe[1], 2));
      check(c.posix_spawn_file_actions_addclosefrom_np(actions, 3));
      check(c.posix_spawn_file_actions_addchdir_np(actions, directory.toString()));
      c.sigemptyset(none); // a JVM thread's blocked signals are not the step's
      c.sigemptyset(defaults);
      c.sigaddset(defaults, SIGPIPE);
      check(c.posix_spawnattr_setsigmask(attributes, none));
      check(c.posix_spawnattr_setsigdefault(attributes, defaults));
      check(c.posix_spawnattr_setflags(attributes,
          (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (session ? POSIX_SPAWN_SETSID : 0))));
      String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
      IntByReference pid = new IntByReference();
      int error = c.posix_spawn(pid, argv.get(0), actions, attributes, new StringArray(argv.toArray(String[]::new), UTF_8),
          new StringArray(envp, UTF_8));
      if (error != 0) throw new SpawnException(error, c.strerror(error));
      close(pipe[1]);
      return new Child(pid.getValue(), new Output(pipe[0]));
    } catch (SpawnException e) {
      close(pipe[0]);
      close(pipe[1]);
      throw e;
    } finally {
      c.posix_spawnattr_destroy(attributes);
      c.posix_spawn_file_actions_destroy(actions);
    }
  }

  private void check(int error) throws SpawnException {
    if (error != 0) throw new SpawnException(error, c.strerror(error));
  }

  /** A process could not be started; {@link #errno} is the C library's error number. */
  static final class SpawnException extends IOException {
    private static final long serialVersionUID = 1L;
    final int errno;

    SpawnException(int errno, String message) {
      super(message);
      this.errno = errno;
    }
  }

  /** Reads a child's output pipe; one per child, used by one thread. */
  final class Output {
    private final int fd;
    private final Memory pollfd = new Memory(8); // struct pollfd { int fd; short events; short revents; }
    private final Memory scratch = new Memory(16 * 1024);
    private boolean closed;

    Output(int fd) {
      this.fd = fd;
      pollfd.setInt(0, fd);
      pollfd.setShort(4, POLLIN);
    }

    /** Waits up to {@code timeoutMillis} for output (or its end); whether there is some. */
    boolean await(int timeoutMillis) {
      pollfd.setShort(6, (short) 0);
      return c.poll(pollfd, new NativeLong(1), timeoutMillis) > 0;
    }

    /** Reads what is there into {@code buffer}; 0 at the end of the output. */
    int read(byte[] buffer) throws IOException {
      while (true) {
        long n = c.read(fd, scratch, new NativeLong(Math.min(buffer.length, scratch.size()))).longValue();
        if (n >= 0) {
          scratch.read(0, buffer, 0, (int) n);
          return (int) n;
        }
        int errno = Native.getLastError();
        if (errno != EINTR) throw new IOException(c.strerror(errno));
      }
    }

    void close() {
      if (closed) return;
      closed = true;
      c.close(fd);
    }
  }

  private void close(int fd) {
    c.close(fd);
  }

  /** Blocks until {@code pid} has ended, leaving it to be reaped ({@link #waitpid}). */
  void awaitExit(int pid) throws IOException {
    Memory info = new Memory(128); // siginfo_t
    while (c.waitid(P_PID, pid, info, WEXITED | WNOWAIT) != 0) {
      int errno = Native.getLastError();
      if (errno != EINTR) throw new IOException("cannot wait for process " + pid + ": " + c.strerror(errno));
    }
  }

  /**
   * Reaps {@code pid}: its exit code (128 + the signal for a process a signal ended, as the JDK reports it), or empty when
   * {@code block} is false and it is still running.
   */
  Optional<Integer> waitpid(int pid, boolean block) throws IOException {
    IntByReference status = new IntByReference();
    while (true) {
      int r = c.waitpid(pid, status, block ? 0 : WNOHANG);
      if (r == pid) {
        int s = status.getValue();
        int signal = s & 0x7f;
        return Optional.of(signal == 0 ? (s >> 8) & 0xff : 0x80 + signal);
      }
      if (r == 0) return Optional.empty();
      int errno = Native.getLastError();
      if (errno != EINTR) throw new IOException("cannot wait for process " + pid + ": " + c.strerror(errno));
    }
  }

  /** Sends {@code signal} to the process group {@code group} (a session leader's pid); whether it was delivered. */
  boolean killGroup(int group, int signal) {
    return c.kill(-group, signal) == 0;
  }
}
