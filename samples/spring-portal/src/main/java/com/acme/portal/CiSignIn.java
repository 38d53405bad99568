package com.acme.portal;

import java.util.Map;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.web.Authenticator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Who may use CI: the portal's token signs in as a member of admins (without an Authenticator bean, every call is refused). */
@Configuration
public class CiSignIn {
  @Bean
  Authenticator pipelineKitAuthenticator(@Value("${portal.ci-token}") String token) {
    return Authenticator.bearerTokens(Map.of(token, Principal.of("portal", "admins")));
  }
}
