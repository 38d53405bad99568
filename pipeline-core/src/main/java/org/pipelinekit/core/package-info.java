@NullMarked
package org.pipelinekit.core;

import org.jspecify.annotations.NullMarked;
