package org.pipelinekit.web.analytics;

/**
 * Prices for cost reports; the defaults are PRP-005's: 300 free build minutes a month (counted per
 * pipeline), $0.01 a minute after them, minutes during which several jobs ran at once counted twice;
 * storage per GB-month: artifacts $0.10, cache $0.05, logs $0.01.
 */
public record CostModel(double freeMinutesPerMonth, double pricePerMinute, double parallelMultiplier, double artifactsPerGbMonth,
    double cachePerGbMonth, double logsPerGbMonth) {
  public static final CostModel DEFAULT = new CostModel(300, 0.01, 2.0, 0.10, 0.05, 0.01);

  public CostModel {
    if (freeMinutesPerMonth < 0 || pricePerMinute < 0 || parallelMultiplier < 1 || artifactsPerGbMonth < 0 || cachePerGbMonth < 0
        || logsPerGbMonth < 0) {
      throw new IllegalArgumentException("prices and free minutes cannot be negative, and the parallel multiplier is at least 1");
    }
  }
}
