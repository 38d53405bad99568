package org.pipelinekit.core.store;

import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/** The conflict errors both embedded stores raise, worded alike. */
public final class StoreConflicts {
  private StoreConflicts() {}

  /** The STORE_CONFLICT every {@code PipelineStore} reports when a save's expected revision is not the stored one. */
  public static PipelineException conflict(String id, long stored, long expected) {
    if (expected == 0) {
      return new PipelineException(ErrorCode.STORE_CONFLICT, "pipeline '" + id + "' already exists (revision " + stored
          + "); load it and save with its revision to change it");
    }
    if (stored == 0) {
      return new PipelineException(ErrorCode.STORE_CONFLICT, "pipeline '" + id + "' does not exist (expected revision " + expected
          + "); it may have been deleted; save with expected revision 0 to create it again");
    }
    return new PipelineException(ErrorCode.STORE_CONFLICT, "pipeline '" + id + "' was changed: the stored revision is " + stored
        + ", yours is " + expected + "; reload it, apply your change again and save");
  }
}
