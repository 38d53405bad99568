package org.pipelinekit.spring.secured;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** A host application with Spring Security: its users sign in with HTTP basic; PipelineKit takes them as they are. */
@SpringBootApplication
public class SecuredPortalApplication {
  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).httpBasic(Customizer.withDefaults())
        .csrf(c -> c.ignoringRequestMatchers("/ci/api/**")) // the API takes no browser session's cookies
        .build();
  }
}
