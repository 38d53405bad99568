package com.acme.portal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Acme's developer portal: a page of its own, and PipelineKit's API and designer at /ci from the starter. */
@SpringBootApplication
@RestController
public class PortalApplication {
  public static void main(String[] args) {
    SpringApplication.run(PortalApplication.class, args);
  }

  @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
  String home() {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Acme developer portal</title></head>"
        + "<body><main><h1>Acme developer portal</h1><p>Builds and deploys live in <a href=\"ci/\">CI</a>.</p></main></body></html>";
  }
}
