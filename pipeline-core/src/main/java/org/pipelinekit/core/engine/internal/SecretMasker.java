package org.pipelinekit.core.engine.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalDecided;
import org.pipelinekit.core.run.ExecutionEvent.ArtifactStored;
import org.pipelinekit.core.run.ExecutionEvent.CacheUsed;
import org.pipelinekit.core.run.ExecutionEvent.CancelRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageReused;
import org.pipelinekit.core.run.LogLine;

/**
 * Replaces secret values with {@code ***} — the value itself, its base64 forms (standard and URL
 * alphabets, with and without padding), its URL-encoded forms as Java, Python ({@code quote},
 * {@code quote_plus}), JavaScript ({@code encodeURIComponent}) and curl make them (which keep
 * {@code ~}, some keep {@code !'()*} or {@code /}; upper- or lower-case hex), the words a shell
 * splits an unquoted value into (as {@code set -x} prints them) and those words joined by single
 * spaces. Every string of an event that leaves the engine goes through {@link #mask(ExecutionEvent)}.
 * Values (and words) shorter than
 * {@value #MIN_LENGTH} characters are not masked: masking every "a" would make logs unreadable and
 * hide nothing. Thread-safe; secrets are only ever added.
 */
public final class SecretMasker {
  public static final String MASK = "***";
  static final int MIN_LENGTH = 3;

  private volatile List<String> patterns = List.of();

  public void add(String secret) {
    if (secret.length() < MIN_LENGTH) return;
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    String b64 = Base64.getEncoder().encodeToString(bytes);
    forms.add(b64);
    forms.add(stripPadding(b64));
    String url64 = Base64.getUrlEncoder().encodeToString(bytes);
    forms.add(url64);
    forms.add(stripPadding(url64));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    for (String keep : URL_KEPT) {
      for (boolean plus : new boolean[] {false, true}) {
        String encoded = percentEncode(bytes, keep, plus);
        forms.add(encoded);
        forms.add(lowerHex(encoded));
      }
    }
    for (String line : secret.split("\n")) {
      if (line.length() >= MIN_LENGTH) forms.add(line); // a multi-line secret is logged line by line
    }
    String[] words = secret.strip().split("[ \t\n]+"); // an unquoted $SECRET or ${{ secrets.X }} is split into words
    if (words.length > 1) {
      forms.add(String.join(" ", words));
      for (String word : words) {
        if (word.length() >= MIN_LENGTH) forms.add(word);
      }
    }
    synchronized (this) {
      Set<String> all = new LinkedHashSet<>(patterns);
      forms.stream().filter(f -> f.length() >= MIN_LENGTH).forEach(all::add);
      List<String> sorted = new ArrayList<>(all);
      sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first
      patterns = List.copyOf(sorted);
    }
  }

  /** Characters each common URL encoder leaves as they are, beyond letters and digits. */
  private static final List<String> URL_KEPT = List.of("-._~", "-._~!'()*", "-._~/", "-_.!~*'()", "-._~!$&'()*+,;=:@/");

  private static String percentEncode(byte[] bytes, String keep, boolean spaceAsPlus) {
    StringBuilder b = new StringBuilder(bytes.length * 3);
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c < 0x80 && keep.indexOf(c) >= 0)) {
        b.append((char) c);
      } else if (c == ' ' && spaceAsPlus) {
        b.append('+');
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static String lowerHex(String encoded) {
    StringBuilder b = new StringBuilder(encoded);
    for (int i = 0; i + 2 < b.length(); i++) {
      if (b.charAt(i) == '%') {
        b.setCharAt(i + 1, Character.toLowerCase(b.charAt(i + 1)));
        b.setCharAt(i + 2, Character.toLowerCase(b.charAt(i + 2)));
      }
    }
    return b.toString();
  }

  private static String stripPadding(String b64) {
    int end = b64.length();
    while (end > 0 && b64.charAt(end - 1) == '=') end--;
    return b64.substring(0, end);
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  private Optional<String> mask(Optional<String> text) {
    return text.map(this::mask);
  }

  /** The values of {@code values} masked, in their order. */
  public Map<String, String> mask(Map<String, String> values) {
    if (isEmpty()) return values;
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, mask(v)));
    return out;
  }

  /** The event with every free-text field masked: reasons, names, keys, links, outputs, comments and log lines. */
  public ExecutionEvent mask(ExecutionEvent e) {
    if (isEmpty()) return e;
    if (e instanceof LogAppended l) {
      LogLine x = l.line();
      return new LogAppended(l.executionId(), l.sequence(), l.time(),
          new LogLine(x.stageId(), x.number(), x.time(), mask(x.jobId()), x.attempt(), mask(x.text())));
    }
    if (e instanceof StageReused r) {
      return new StageReused(r.executionId(), r.sequence(), r.time(), r.stageId(), r.fromExecutionId(), r.status(), mask(r.outputs()));
    }
    if (e instanceof ExecutionEvent.StagesAdded a) {
      return new ExecutionEvent.StagesAdded(a.executionId(), a.sequence(), a.time(), a.stageId(), a.stageIds(), mask(a.fragment()));
    }
    if (e instanceof ApprovalDecided a) {
      return new ApprovalDecided(a.executionId(), a.sequence(), a.time(), a.stageId(), a.principal(), a.approved(), mask(a.comment()));
    }
    if (e instanceof JobStarted j) {
      return new JobStarted(j.executionId(), j.sequence(), j.time(), j.stageId(), mask(j.jobId()), mask(j.matrix()), j.attempt());
    }
    if (e instanceof CacheUsed c) {
      return new CacheUsed(c.executionId(), c.sequence(), c.time(), c.stageId(), mask(c.jobId()), c.action(), mask(c.key()),
          mask(c.matchedKey()), c.bytes(), c.took());
    }
    if (e instanceof ArtifactStored a) {
      return new ArtifactStored(a.executionId(), a.sequence(), a.time(), a.stageId(), mask(a.jobId()), mask(a.name()), a.artifactId(),
          a.size(), a.digest(), mask(a.url()));
    }
    if (e instanceof JobRetrying r) {
      return new JobRetrying(r.executionId(), r.sequence(), r.time(), r.stageId(), mask(r.jobId()), r.attempt(), r.delay(),
          mask(r.reason()), mask(r.outputs()));
    }
    if (e instanceof JobFinished f) {
      return new JobFinished(f.executionId(), f.sequence(), f.time(), f.stageId(), mask(f.jobId()), f.attempt(), f.status(), f.exitCode(),
          mask(f.reason()), mask(f.outputs()));
    }
    if (e instanceof StageFinished f) {
      return new StageFinished(f.executionId(), f.sequence(), f.time(), f.stageId(), f.status(), mask(f.reason()), mask(f.outputs()));
    }
    if (e instanceof CancelRequested c) {
      return new CancelRequested(c.executionId(), c.sequence(), c.time(), mask(c.reason()));
    }
    if (e instanceof ExecutionFinished f) {
      return new ExecutionFinished(f.executionId(), f.sequence(), f.time(), f.status(), mask(f.reason()));
    }
    return e; // the rest hold ids, numbers and times only
  }

  public String mask(String text) {
    List<String> p = patterns;
    if (p.isEmpty()) return text;
    String out = text;
    for (String secret : p) {
      if (out.contains(secret)) out = out.replace(secret, MASK);
    }
    return out;
  }

}
