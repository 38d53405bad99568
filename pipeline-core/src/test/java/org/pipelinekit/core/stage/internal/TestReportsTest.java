package org.pipelinekit.core.stage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestReportsTest {
  @TempDir Path dir;

  @Test
  void junit_countsTestcasesAndTheirOutcomes() throws IOException {
    Path a = Files.writeString(dir.resolve("TEST-a.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="a" tests="4" failures="1" errors="1" skipped="1">
          <testcase name="ok" classname="A"/>
          <testcase name="bad" classname="A"><failure message="x">trace</failure><system-out>out</system-out></testcase>
          <testcase name="boom" classname="A"><error type="E"/></testcase>
          <testcase name="later" classname="A"><skipped/></testcase>
        </testsuite>
        """);
    Path b = Files.writeString(dir.resolve("junit.xml"), """
        <testsuites><testsuite name="b"><testcase name="one"/><testcase name="two"/></testsuite></testsuites>
        """);
    TestReports.Counts c = TestReports.junit(List.of(a, b));
    assertThat(c).isEqualTo(new TestReports.Counts(6, 1, 1, 1, new java.util.TreeSet<>(List.of("A.bad", "A.boom"))));
    assertThat(c.passed()).isEqualTo(3);
  }

  @Test
  void junit_refusesExternalEntities() throws IOException {
    Path evil = Files.writeString(dir.resolve("TEST-evil.xml"),
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><testsuite><testcase name=\"&e;\"/></testsuite>");
    assertThatThrownBy(() -> TestReports.junit(evil)).isInstanceOf(IOException.class).hasMessageContaining("not a readable JUnit XML report");
  }

  @Test
  void coverage_readsEachFormat() throws IOException {
    assertThat(TestReports.coverage(Files.writeString(dir.resolve("c.xml"),
        "<?xml version=\"1.0\"?>\n<coverage line-rate=\"0.8125\" branch-rate=\"0.5\"></coverage>"))).contains(81.25);
    assertThat(TestReports.coverage(Files.writeString(dir.resolve("j.xml"), "<report name=\"x\"><package name=\"p\">"
        + "<counter type=\"LINE\" missed=\"1\" covered=\"1\"/></package><counter type=\"INSTRUCTION\" missed=\"5\" covered=\"5\"/>"
        + "<counter type=\"LINE\" missed=\"10\" covered=\"30\"/></report>"))).contains(75.0);
    assertThat(TestReports.coverage(Files.writeString(dir.resolve("lcov.info"),
        "SF:a.js\nLF:10\nLH:9\nend_of_record\nSF:b.js\nLF:10\nLH:7\nend_of_record\n"))).contains(80.0);
    assertThat(TestReports.coverage(Files.writeString(dir.resolve("pct.txt"), "66.5%\n"))).contains(66.5);
    assertThat(TestReports.coverage(Files.writeString(dir.resolve("none.txt"), "no idea"))).isEmpty();
  }
}
