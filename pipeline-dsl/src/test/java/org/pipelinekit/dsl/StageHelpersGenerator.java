package org.pipelinekit.dsl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.ValueSchema;
import org.pipelinekit.core.spi.ValueType;
import org.pipelinekit.core.stage.StageRegistry;

/**
 * Writes {@code StageHelpers.kt}, the typed DSL helpers, from the stage registry's schemas.
 * {@code StageHelpersTest} fails when the committed file differs from what this writes; regenerate with
 * {@code mvn -q -pl pipeline-dsl test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.pipelinekit.dsl.StageHelpersGenerator} or by running {@link #main}.
 */
public final class StageHelpersGenerator {
  public static final Path FILE = Path.of("src/main/kotlin/org/pipelinekit/dsl/StageHelpers.kt");

  private StageHelpersGenerator() {}

  public static void main(String[] args) throws Exception {
    Files.writeString(args.length > 0 ? Path.of(args[0]) : FILE, source(StageRegistry.builtins()));
  }

  public static String source(StageRegistry registry) {
    StringBuilder sb = new StringBuilder();
    sb.append("// Generated from the built-in stage types' schemas by StageHelpersGenerator (pipeline-dsl tests). Do not edit:\n");
    sb.append("// StageHelpersTest fails when this file and the schemas disagree.\n");
    sb.append("package org.pipelinekit.dsl\n");
    for (StageType t : registry.all()) {
      if (t.acceptsSteps()) continue; // shell: steps, not inputs
      String cls = pascal(t.id()) + "Inputs";
      sb.append("\n/** Inputs of ").append(t.displayName()).append(" (`").append(t.id()).append("`): ")
          .append(kdoc(t.description())).append(" */\n");
      sb.append("class ").append(cls).append(" internal constructor() : StageInputs() {\n");
      for (InputSpec in : t.inputs()) {
        sb.append("    /** ").append(kdoc(in.description()));
        if (in.required()) sb.append(" (required)");
        in.defaultValue().ifPresent(d -> sb.append(" (default: ").append(kdoc(String.valueOf(d))).append(")"));
        sb.append(" */\n");
        sb.append("    var ").append(camel(in.name())).append(": ").append(kotlinType(in.schema())).append("? by input(\"")
            .append(in.name()).append("\")\n");
      }
      sb.append("}\n");
      sb.append("\n/** Makes this a `").append(t.id()).append("` stage: ").append(kdoc(t.description())).append(" */\n");
      sb.append("fun StageScope.").append(camel(t.id().replace('-', '_'))).append("(block: ").append(cls)
          .append(".() -> Unit) {\n    typed(\"").append(t.id()).append("\", ").append(cls).append("().apply(block).values())\n}\n");
    }
    return sb.toString();
  }

  static String kotlinType(ValueSchema s) {
    return switch (s.type()) {
      case INTEGER -> "Long";
      case NUMBER -> "Number";
      case BOOLEAN -> "Boolean";
      case MAP -> "Map<String, String>";
      case OBJECT -> "Map<String, Any>";
      case LIST -> "List<" + kotlinType(s.items().orElseThrow()) + ">";
      default -> "String";
    };
  }

  /** {@code coverage_threshold} → {@code coverageThreshold}. */
  public static String camel(String name) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : name.toCharArray()) {
      if (c == '_' || c == '-') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  static String pascalForTest(String id) {
    return pascal(id);
  }

  static String pascal(String id) {
    String c = camel(id);
    return c.substring(0, 1).toUpperCase(Locale.ROOT) + c.substring(1);
  }

  private static String kdoc(String text) {
    return text.replace("*/", "*&#47;").replace("${", "\\${");
  }

  static boolean isListOfType(ValueSchema s, ValueType t) {
    return s.type() == ValueType.LIST && s.items().orElseThrow().type() == t;
  }
}
