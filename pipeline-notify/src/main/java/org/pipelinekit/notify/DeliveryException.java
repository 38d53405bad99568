package org.pipelinekit.notify;

/** Why a notification could not be delivered, and whether trying again may help (a 5xx, a timeout) or not (a 4xx, a setting). */
public class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public DeliveryException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
