/**
 * What a run is made of, as every layer sees it: its header (pipeline, trigger, parameters), its events,
 * its log lines and the statuses of executions and stages. The engine produces them; the stores, the
 * runner SPI and the web read them; this package imports nothing of theirs.
 */
@NullMarked
package org.pipelinekit.core.run;

import org.jspecify.annotations.NullMarked;
