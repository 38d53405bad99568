package org.pipelinekit.notify.internal;

import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import org.pipelinekit.notify.DeliveryException;
import org.pipelinekit.notify.Notification;
import org.pipelinekit.notify.NotificationChannel;
import org.pipelinekit.notify.Settings;

/**
 * Email over SMTP (Eclipse Angus Mail): a text and an HTML part; STARTTLS required unless {@code starttls: false} (or
 * {@code ssl: true} for SMTPS); {@code username}/{@code password} when the server asks for them.
 */
public final class Email implements NotificationChannel {
  @Override
  public String id() {
    return "email";
  }

  @Override
  public void send(Notification n, Settings s) throws Exception {
    String host = s.required("host");
    boolean ssl = Boolean.parseBoolean(s.or("ssl", "false"));
    boolean starttls = !ssl && Boolean.parseBoolean(s.or("starttls", "true"));
    String port = s.or("port", ssl ? "465" : "587");
    Properties p = new Properties();
    String proto = ssl ? "smtps" : "smtp";
    p.put("mail.transport.protocol", proto);
    p.put("mail." + proto + ".host", host);
    p.put("mail." + proto + ".port", port);
    p.put("mail." + proto + ".connectiontimeout", "10000");
    p.put("mail." + proto + ".timeout", "30000");
    p.put("mail." + proto + ".writetimeout", "30000");
    if (starttls) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    Optional<String> user = s.optional("username");
    Session session;
    if (user.isPresent()) {
      p.put("mail." + proto + ".auth", "true");
      String password = s.required("password");
      session = Session.getInstance(p, new Authenticator() {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
          return new PasswordAuthentication(user.get(), password);
        }
      });
    } else {
      session = Session.getInstance(p);
    }
    MimeMessage m = new MimeMessage(session);
    try {
      m.setFrom(new InternetAddress(s.or("from", "pipelinekit@" + host), true));
      m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(s.required("to"), true));
    } catch (AddressException e) {
      throw new DeliveryException("email: " + e.getMessage(), false);
    }
    m.setSubject(n.title(), "UTF-8");
    m.setSentDate(Date.from(n.time()));
    MimeBodyPart text = new MimeBodyPart();
    text.setText(Channels.text(n), "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setContent(html(n), "text/html; charset=UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    m.setContent(alternative);
    try {
      Transport.send(m);
    } catch (MessagingException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      throw new DeliveryException("SMTP " + host + ":" + port + ": " + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()),
          true);
    }
  }

  private static String html(Notification n) {
    StringBuilder sb = new StringBuilder("<!doctype html><html><body style=\"font-family: sans-serif\"><h2>").append(esc(n.title())).append("</h2><table>");
    row(sb, "Pipeline", n.pipelineName());
    n.branch().ifPresent(b -> row(sb, "Branch", b));
    n.shortCommit().ifPresent(c -> row(sb, "Commit", c + n.message().map(m -> " " + Channels.firstLine(m)).orElse("")));
    n.author().ifPresent(a -> row(sb, "Author", a));
    if (!n.failedStages().isEmpty()) row(sb, "Failed stages", String.join(", ", n.failedStages()));
    sb.append("</table>");
    n.link().ifPresent(l -> sb.append("<p><a href=\"").append(esc(l)).append("\">Open run #").append(n.number()).append("</a></p>"));
    return sb.append("</body></html>").toString();
  }

  private static void row(StringBuilder sb, String name, String value) {
    sb.append("<tr><th align=\"left\">").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
