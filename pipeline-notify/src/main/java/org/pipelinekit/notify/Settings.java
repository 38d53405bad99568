package org.pipelinekit.notify;

import java.util.Map;
import java.util.Optional;

/** A rule's settings for its channel, secrets already read in. */
public final class Settings {
  private final String channel;
  private final Map<String, String> values;

  public Settings(String channel, Map<String, String> values) {
    this.channel = channel;
    this.values = Map.copyOf(values);
  }

  /** The setting, or a {@link DeliveryException} saying the rule must give it. */
  public String required(String name) throws DeliveryException {
    String v = values.get(name);
    if (v == null || v.isBlank()) throw new DeliveryException(channel + " needs " + name + " (notify: - " + channel + ": {" + name + ": ...})", false);
    return v;
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
  }

  public String or(String name, String otherwise) {
    return optional(name).orElse(otherwise);
  }
}
