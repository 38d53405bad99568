package org.pipelinekit.core.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stage may use: CPU in millicores ({@code 500m} is half a core, {@code 2} two cores) and
 * memory in bytes ({@code 512Mi}, {@code 4Gi}, {@code 1G}).
 */
public record Resources(Optional<Long> cpuMillicores, Optional<Long> memoryBytes) {
  public static final Resources NONE = new Resources(Optional.empty(), Optional.empty());

  private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
  private static final Pattern MEMORY = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|K|M|G|T|)");

  public Resources {
    Checks.optional(cpuMillicores, "cpuMillicores").ifPresent(v -> {
      if (v <= 0) throw new IllegalArgumentException("cpu must be more than zero, got " + v + "m");
    });
    Checks.optional(memoryBytes, "memoryBytes").ifPresent(v -> {
      if (v <= 0) throw new IllegalArgumentException("memory must be more than zero, got " + v + " bytes");
    });
  }

  public static Resources of(String cpu, String memory) {
    return new Resources(Optional.of(parseCpu(cpu)), Optional.of(parseMemory(memory)));
  }

  public Resources withCpu(String cpu) {
    return new Resources(Optional.of(parseCpu(cpu)), memoryBytes);
  }

  public Resources withMemory(String memory) {
    return new Resources(cpuMillicores, Optional.of(parseMemory(memory)));
  }

  /** {@code 2} → 2000, {@code 0.5} → 500, {@code 250m} → 250. */
  public static long parseCpu(String text) {
    Matcher m = CPU.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a CPU amount; write cores (2, 0.5) or millicores (500m)");
    }
    double n = Double.parseDouble(m.group(1));
    long millis = m.group(2).isEmpty() ? Math.round(n * 1000) : Math.round(n);
    if (millis <= 0) {
      throw new IllegalArgumentException("cpu must be more than zero, got '" + text + "'");
    }
    return millis;
  }

  /** {@code 512Mi} → 536870912, {@code 1G} → 1000000000, {@code 1024} → 1024. */
  public static long parseMemory(String text) {
    Matcher m = MEMORY.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a memory size; write it like 512Mi, 4Gi or 1G");
    }
    long n = Long.parseLong(m.group(1));
    long unit = switch (m.group(2)) {
      case "Ki" -> 1L << 10;
      case "Mi" -> 1L << 20;
      case "Gi" -> 1L << 30;
      case "Ti" -> 1L << 40;
      case "k", "K" -> 1_000L;
      case "M" -> 1_000_000L;
      case "G" -> 1_000_000_000L;
      case "T" -> 1_000_000_000_000L;
      default -> 1L;
    };
    if (n <= 0) {
      throw new IllegalArgumentException("memory must be more than zero, got '" + text + "'");
    }
    return Math.multiplyExact(n, unit);
  }

  public static String formatCpu(long millicores) {
    return millicores % 1000 == 0 ? Long.toString(millicores / 1000) : millicores + "m";
  }

  public static String formatMemory(long bytes) {
    String[] binary = {"Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < binary.length; i++) {
      long unit = 1L << (10 * (4 - i));
      if (bytes % unit == 0) return bytes / unit + binary[i];
    }
    String[] decimal = {"T", "G", "M", "k"};
    long unit = 1_000_000_000_000L;
    for (String suffix : decimal) {
      if (bytes % unit == 0) return bytes / unit + suffix;
      unit /= 1000;
    }
    return Long.toString(bytes);
  }

  @Override
  public String toString() {
    return "Resources[cpu=" + cpuMillicores.map(Resources::formatCpu).orElse("-")
        + ", memory=" + memoryBytes.map(Resources::formatMemory).orElse("-") + "]";
  }
}
