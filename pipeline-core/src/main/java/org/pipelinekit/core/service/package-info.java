@NullMarked
package org.pipelinekit.core.service;

import org.jspecify.annotations.NullMarked;
