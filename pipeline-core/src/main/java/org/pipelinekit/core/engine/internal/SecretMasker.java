package org.pipelinekit.core.engine.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secret values with {@code ***} — the value itself, its base64 forms (standard and URL
 * alphabets, with and without padding) and its URL-encoded form. Values shorter than
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
    for (String line : secret.split("\n")) {
      if (line.length() >= MIN_LENGTH) forms.add(line); // a multi-line secret is logged line by line
    }
    synchronized (this) {
      Set<String> all = new LinkedHashSet<>(patterns);
      forms.stream().filter(f -> f.length() >= MIN_LENGTH).forEach(all::add);
      List<String> sorted = new ArrayList<>(all);
      sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first
      patterns = List.copyOf(sorted);
    }
  }

  private static String stripPadding(String b64) {
    int end = b64.length();
    while (end > 0 && b64.charAt(end - 1) == '=') end--;
    return b64.substring(0, end);
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
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
