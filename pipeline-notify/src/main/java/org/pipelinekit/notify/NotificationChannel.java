package org.pipelinekit.notify;

/**
 * Where notifications go: Slack, email, a webhook, JIRA, Datadog, PagerDuty — or a host's own, added with
 * {@link Notifier.Builder#channel}. A rule names the channel by {@link #id()} and gives its settings.
 */
public interface NotificationChannel {
  /** The name rules use ({@code slack}). */
  String id();

  /**
   * Delivers {@code n}. Throws {@link DeliveryException} saying why it could not (retryable or not); any other exception is
   * taken for a retryable failure.
   */
  void send(Notification n, Settings settings) throws Exception;
}
