package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.NotifyRule;
import org.pipelinekit.core.model.NotifyRule.Event;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.PipelineValidator;

/** A pipeline's notify rules in files: read, written canonically, and every mistake named at its place. */
class NotifyRulesFormatTest {
  private static final String YAML = """
      pipelinekit: 1
      id: shop
      notify:
        - on: [failed, fixed]
          branches: [main]
          slack: { webhook_url: '${{ secrets.SLACK_WEBHOOK }}', channel: '#team' }
        - on: approval-waiting
          email: { to: ops@example.org }
      stages:
        - id: build
          steps:
            - run: make
      """;

  @Test
  void rulesAreReadAndWrittenBackTheSame() {
    Pipeline p = PipelineFormat.YAML.read(YAML);
    assertThat(p.notifications()).containsExactly(
        new NotifyRule(Set.of(Event.FAILED, Event.FIXED), List.of("main"), "slack",
            Map.of("webhook_url", "${{ secrets.SLACK_WEBHOOK }}", "channel", "#team")),
        new NotifyRule(Set.of(Event.APPROVAL_WAITING), List.of(), "email", Map.of("to", "ops@example.org")));
    String written = PipelineFormat.YAML.write(p);
    assertThat(PipelineFormat.YAML.read(written)).isEqualTo(p);
    assertThat(PipelineFormat.YAML.write(PipelineFormat.YAML.read(written))).isEqualTo(written);
    assertThat(PipelineFormat.JSON.read(PipelineFormat.JSON.write(p))).isEqualTo(p);
    assertThat(written).contains("notify:").contains("- failed").contains("- fixed");
    assertThat(PipelineValidator.create().validate(p).errors()).isEmpty();
  }

  @Test
  void mistakesAreNamedWhereTheyAre() {
    String bad = """
        id: shop
        notify:
          - on: [broke]
            slack: { webhook_url: x }
          - on: [failed]
          - on: [failed]
            slack: { webhook_url: x }
            email: { to: y }
        stages:
          - id: build
            steps: [{ run: make }]
        """;
    assertThatThrownBy(() -> PipelineFormat.YAML.read(bad)).isInstanceOf(PipelineFormatException.class).satisfies(e -> {
      List<String> messages = ((PipelineFormatException) e).problems().stream().map(f -> f.path() + ": " + f.message()).toList();
      assertThat(messages).anyMatch(m -> m.startsWith("notify[0].on[0]") && m.contains("no notify event 'broke'; the events are started,"
          + " succeeded, failed, fixed, approval-waiting, cancelled"));
      assertThat(messages).anyMatch(m -> m.startsWith("notify[1]") && m.contains("names no channel"));
      assertThat(messages).anyMatch(m -> m.startsWith("notify[2]") && m.contains("names 2 channels [slack, email]; write one rule per channel"));
    });
  }

  @Test
  void aSettingMayReadSecretsButNotAStagesOutputs() {
    Pipeline p = PipelineFormat.YAML.read("""
        id: shop
        notify:
          - on: [failed]
            webhook: { url: 'https://hooks.example.org/${{ stages.build.outputs.version }}' }
        stages:
          - id: build
            outputs: [version]
            steps: [{ run: make }]
        """);
    assertThat(PipelineValidator.create().validate(p).errors()).anyMatch(pr -> pr.path().equals("notify[0].webhook.url"));
  }
}
