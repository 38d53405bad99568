package org.pipelinekit.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.ReplannedStageType;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.notify.internal.Http;

/**
 * The {@code slack} and {@code email} stage types in Java (the built-ins run curl in a container): a Slack message through
 * the incoming webhook, tried again when the failure may pass; a mail through SMTP with Angus Mail ({@code smtp_url}:
 * {@code smtp://user:password@host:587} with STARTTLS required, {@code smtps://…} for TLS from the start,
 * {@code smtp+plain://…} for a server on loopback without TLS). Same ids, inputs and outputs as the built-ins (priority 10).
 */
public final class NotifyStageTypes implements StageTypeProvider {
  private final Http http = new Http(Http.defaultClient());

  @Override
  public String id() {
    return "pipeline-notify";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Collection<StageType> stageTypes() {
    StageRegistry builtins = StageRegistry.builtins();
    return List.of(ReplannedStageType.inHost(builtins.get("slack"), stage -> List.of(new PlannedStep.Action("post to Slack", () -> (StepAction) this::slack))),
        ReplannedStageType.inHost(builtins.get("email"), stage -> List.of(new PlannedStep.Action("send the mail", () -> (StepAction) NotifyStageTypes::email))));
  }

  private CompletionStage<StepExit> slack(StepContext ctx) {
    return CompletableFuture.supplyAsync(() -> {
      ObjectNode body = new ObjectMapper().createObjectNode().put("text", String.valueOf(ctx.inputs().get("message")));
      Optional.ofNullable(ctx.inputs().get("channel")).ifPresent(c -> body.put("channel", String.valueOf(c)));
      String url = String.valueOf(ctx.inputs().get("webhook_url"));
      for (int attempt = 1; ; attempt++) {
        try {
          http.post(url, body.toString(), Map.of());
          ctx.output("sent", "true");
          ctx.log("posted to Slack" + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
          return StepExit.SUCCESS;
        } catch (DeliveryException e) {
          if (!e.retryable() || attempt == 3) {
            ctx.output("sent", "false");
            return StepExit.failed(1, "Slack did not take the message: " + e.getMessage(), Map.of());
          }
          ctx.log("Slack did not take the message (" + e.getMessage() + "); trying again");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return StepExit.of(143);
        }
      }
    }, ctx.blockingExecutor());
  }

  private static CompletionStage<StepExit> email(StepContext ctx) {
    return CompletableFuture.supplyAsync(() -> {
      Map<String, Object> in = ctx.inputs();
      URI smtp;
      try {
        smtp = URI.create(String.valueOf(in.getOrDefault("smtp_url", "smtp://localhost:25")));
      } catch (IllegalArgumentException e) {
        return StepExit.failed(1, "smtp_url is not a URL: " + e.getMessage(), Map.of());
      }
      String scheme = Optional.ofNullable(smtp.getScheme()).orElse("");
      if (!List.of("smtp", "smtps", "smtp+plain").contains(scheme) || smtp.getHost() == null) {
        return StepExit.failed(1, "smtp_url must look like smtp://user:password@host:587 (STARTTLS), smtps://host:465 or smtp+plain://"
            + "127.0.0.1:25", Map.of());
      }
      boolean ssl = scheme.equals("smtps");
      String proto = ssl ? "smtps" : "smtp";
      int port = smtp.getPort() > 0 ? smtp.getPort() : ssl ? 465 : 587;
      Properties p = new Properties();
      p.put("mail." + proto + ".host", smtp.getHost());
      p.put("mail." + proto + ".port", Integer.toString(port));
      p.put("mail." + proto + ".connectiontimeout", "10000");
      p.put("mail." + proto + ".timeout", "30000");
      if (scheme.equals("smtp")) {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      }
      String[] user = Optional.ofNullable(smtp.getRawUserInfo()).map(u -> u.split(":", 2)).orElse(null);
      Session session;
      if (user != null) {
        p.put("mail." + proto + ".auth", "true");
        String name = URLDecoder.decode(user[0], StandardCharsets.UTF_8);
        String password = user.length > 1 ? URLDecoder.decode(user[1], StandardCharsets.UTF_8) : "";
        session = Session.getInstance(p, new jakarta.mail.Authenticator() {
          @Override
          protected PasswordAuthentication getPasswordAuthentication() {
            return new PasswordAuthentication(name, password);
          }
        });
      } else {
        session = Session.getInstance(p);
      }
      try {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(String.valueOf(in.getOrDefault("from", "pipelinekit@localhost")), true));
        List<?> to = in.get("to") instanceof List<?> l ? l : List.of(String.valueOf(in.get("to")));
        for (Object t : to) m.addRecipient(MimeMessage.RecipientType.TO, new InternetAddress(String.valueOf(t), true));
        m.setSubject(String.valueOf(in.get("subject")), "UTF-8");
        m.setText(String.valueOf(in.get("body")), "UTF-8");
        Transport transport = session.getTransport(proto);
        try {
          transport.connect();
          transport.sendMessage(m, m.getAllRecipients());
        } finally {
          transport.close();
        }
        ctx.output("sent", "true");
        ctx.log("mailed " + to.size() + " recipient" + (to.size() == 1 ? "" : "s") + " through " + smtp.getHost() + ":" + port);
        return StepExit.SUCCESS;
      } catch (MessagingException e) {
        ctx.output("sent", "false");
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return StepExit.failed(1, "the mail was not sent through " + smtp.getHost() + ":" + port + ": " + root.getMessage(), Map.of());
      }
    }, ctx.blockingExecutor());
  }
}
