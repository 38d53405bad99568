package org.pipelinekit.core.spi;

import java.util.Locale;

/** Where a stage type appears in the designer's stage library. */
public enum StageCategory {
  SOURCE("Source"), BUILD("Build"), TEST("Test"), SECURITY("Security"), DEPLOY("Deploy"), NOTIFY("Notify");

  private final String displayName;

  StageCategory(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
