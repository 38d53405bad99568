package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every Java block of the README is a whole file that compiles as it stands there: the blocks are extracted and compiled
 * together (the Spring Boot one by samples/spring-portal's build, whose file it is), and each is the very sample file this
 * module's tests run (or, for the test kit, the test itself), so what a reader copies is what the tests ran. The first host app's pom is complete and current.
 */
class ReadmeJavaTest {
  private static final Path README = Path.of("../README.md");
  private static final Pattern BLOCK = Pattern.compile("```java\n(.*?)```\n", Pattern.DOTALL);
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern TYPE = Pattern.compile("(?m)^public (?:final |abstract )*(?:class|record|interface|enum) (\\w+)");

  record Snippet(int number, String pkg, String type, String text) {
    Path path() {
      return Path.of(pkg.replace('.', '/'), type + ".java");
    }
  }

  static List<Snippet> snippets() throws Exception {
    List<Snippet> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(Files.readString(README));
    while (m.find()) {
      String text = m.group(1);
      Matcher p = PACKAGE.matcher(text);
      Matcher t = TYPE.matcher(text);
      int n = out.size() + 1;
      assertThat(p.find() && t.find()).as("README Java block " + n + " is not a whole file (package, imports, a public type):\n" + text)
          .isTrue();
      out.add(new Snippet(n, p.group(1), t.group(1), text));
    }
    return out;
  }

  @Test
  void everyJavaBlockIsASampleFileAsItStands() throws Exception {
    List<Snippet> snippets = snippets();
    assertThat(snippets).hasSizeGreaterThanOrEqualTo(10);
    for (Snippet s : snippets) {
      Path here = Path.of("src/main/java").resolve(s.path());
      Path test = Path.of("src/test/java").resolve(s.path()); // (a test of a sample pipeline, with the test kit)
      Path portal = Path.of("spring-portal/src/main/java").resolve(s.path());
      Path file = Files.exists(here) ? here : Files.exists(test) ? test : portal;
      assertThat(file).as("README Java block " + s.number() + " (" + s.type() + ") is the sample file " + s.path()).exists();
      assertThat(s.text()).as("README Java block " + s.number() + " is " + file + " as it stands").isEqualTo(Files.readString(file));
    }
  }

  @Test
  void everyJavaBlockCompilesAsShown() throws Exception {
    Path src = Files.createDirectories(Path.of("target/readme-java/src"));
    Path classes = Files.createDirectories(Path.of("target/readme-java/classes"));
    List<String> files = new ArrayList<>();
    for (Snippet s : snippets()) {
      if (s.text().contains("import org.springframework.")) continue; // (compiled by samples/spring-portal, whose classpath has Spring)
      Path f = src.resolve(s.path());
      Files.createDirectories(f.getParent());
      Files.writeString(f, s.text());
      files.add(f.toString());
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(9);
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> options = List.of("-d", classes.toString(), "-classpath", classpath, "-proc:none", "-Xlint:none");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter said = new StringWriter();
    boolean compiled = javac.getTask(said, null, null, options, null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromStrings(files)).call();
    assertThat(compiled).as("javac of the README's Java blocks:\n" + said).isTrue();
    assertThat(classes.resolve("org/pipelinekit/samples/QuickStart.class")).exists();
  }

  @Test
  void theFirstHostAppsPomIsCompleteAndCurrent() throws Exception {
    String readme = Files.readString(README);
    int section = readme.indexOf("## Your first host app");
    assertThat(section).isPositive();
    int start = readme.indexOf("```xml\n", section) + "```xml\n".length();
    String pom = readme.substring(start, readme.indexOf("```", start));
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(pom)));
    Document parent = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("../pom.xml"));
    Document bom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("../pipeline-bom/pom.xml"));
    String version = text(parent.getDocumentElement(), "version");
    assertThat(text(doc.getDocumentElement(), "modelVersion")).isEqualTo("4.0.0");
    assertThat(doc.getElementsByTagName("maven.compiler.release").item(0).getTextContent()).isEqualTo("17");

    List<String> managed = new ArrayList<>();
    NodeList bomDeps = bom.getElementsByTagName("artifactId");
    for (int i = 0; i < bomDeps.getLength(); i++) managed.add(bomDeps.item(i).getTextContent());
    NodeList deps = doc.getElementsByTagName("dependency");
    boolean imported = false;
    boolean binding = false;
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      String artifact = text(d, "artifactId");
      if (artifact.equals("pipeline-bom")) {
        imported = text(d, "version").equals(version) && text(d, "scope").equals("import");
      } else if (text(d, "groupId").equals("org.pipelinekit")) {
        assertThat(managed).as(artifact + " is managed by the BOM").contains(artifact);
      } else if (artifact.equals("slf4j-simple")) {
        binding = text(d, "version").equals(parent.getElementsByTagName("slf4j.version").item(0).getTextContent());
      }
    }
    assertThat(imported).as("the pom imports pipeline-bom " + version).isTrue();
    assertThat(binding).as("the pom adds an SLF4J binding at PipelineKit's SLF4J version").isTrue();
    assertThat(pom).contains("<mainClass>org.pipelinekit.samples.QuickStart</mainClass>")
        .contains("<version>" + text(parent.getDocumentElement(), "properties", "compiler-plugin.version") + "</version>")
        .contains("<version>" + text(parent.getDocumentElement(), "properties", "exec-plugin.version") + "</version>");
  }

  /** The text of the first element at this path of child names below {@code e}. */
  private static String text(Element e, String... path) {
    Element at = e;
    for (String name : path) {
      Element next = null;
      for (org.w3c.dom.Node n = at.getFirstChild(); n != null && next == null; n = n.getNextSibling()) {
        if (n instanceof Element c && c.getTagName().equals(name)) next = c;
      }
      if (next == null) return "";
      at = next;
    }
    return at.getTextContent().strip();
  }
}
