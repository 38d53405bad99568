@NullMarked
package org.pipelinekit.core.model;

import org.jspecify.annotations.NullMarked;
