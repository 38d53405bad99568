package org.pipelinekit.spring.portal;

import java.util.Map;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.web.Authenticator;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A host application as a team writes one: Spring Boot, its own page, and PipelineKit added by the starter at /ci. */
@SpringBootApplication
public class PortalApplication {
  /** Who calls the API: here one token; a real portal maps its own sessions (or Spring Security's principal). */
  @Bean
  Authenticator pipelineKitAuthenticator() {
    return Authenticator.bearerTokens(Map.of("portal-token", Principal.of("portal", "admins")));
  }
}
