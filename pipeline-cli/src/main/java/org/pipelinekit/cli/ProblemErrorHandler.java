package org.pipelinekit.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a malformed URI, a path outside the servlet, a request it cannot read) as RFC 9457
 * problem+json like the API's, with the standard reason only: never Jetty's HTML page, its version or
 * an exception's message.
 */
final class ProblemErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
    String reason = HttpStatus.getMessage(code);
    String body = "{\"type\":\"about:blank\",\"title\":\"" + reason + "\",\"status\":" + code + ",\"detail\":\"" + reason
        + (code == 404 ? ": no page or endpoint here; the API is under api/v1/" : "") + "\"}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
