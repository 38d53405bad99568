package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.RandomPipelines;

class RoundTripProperties {

  @Provide
  Arbitrary<Pipeline> pipelines() {
    return RandomPipelines.pipelines();
  }

  @Property(tries = 400)
  void yaml_importOfExportEqualsOriginal_andSecondExportIsByteIdentical(@ForAll("pipelines") Pipeline p) {
    String first = PipelineFormat.YAML.write(p);
    Pipeline read = PipelineFormat.YAML.read(first);
    assertThat(read).as(first).isEqualTo(p);
    assertThat(PipelineFormat.YAML.write(read)).isEqualTo(first);
  }

  @Property(tries = 400)
  void json_importOfExportEqualsOriginal_andSecondExportIsByteIdentical(@ForAll("pipelines") Pipeline p) {
    String first = PipelineFormat.JSON.write(p);
    Pipeline read = PipelineFormat.JSON.read(first);
    assertThat(read).as(first).isEqualTo(p);
    assertThat(PipelineFormat.JSON.write(read)).isEqualTo(first);
  }

  @Property(tries = 200)
  void yamlAndJsonDescribeTheSamePipeline(@ForAll("pipelines") Pipeline p) {
    assertThat(PipelineFormat.JSON.read(PipelineFormat.JSON.write(PipelineFormat.YAML.read(PipelineFormat.YAML.write(p)))))
        .isEqualTo(p);
  }

  @Property(tries = 200)
  void lineOf_pointsAtEachStagesIdAndEachOfItsNeeds_inYamlAndJson(@ForAll("pipelines") Pipeline p) {
    for (PipelineFormat f : new PipelineFormat[] {PipelineFormat.YAML, PipelineFormat.JSON}) {
      String text = f.write(p);
      String[] lines = text.split("\n", -1);
      for (org.pipelinekit.core.model.Stage s : p.stages()) {
        int at = f.lineOf(text, "stages." + s.id()).orElseThrow();
        assertThat(lines[at - 1]).as(f + " stages." + s.id() + " at line " + at).contains(s.id());
        for (int i = 0; i < s.needs().size(); i++) {
          int need = f.lineOf(text, "stages." + s.id() + ".needs[" + i + "]").orElseThrow();
          assertThat(need).isGreaterThanOrEqualTo(at);
          assertThat(lines[need - 1]).as(f + " stages." + s.id() + ".needs[" + i + "]").contains(s.needs().get(i));
        }
      }
    }
  }
}
