package org.pipelinekit.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.tools.ToolProvider;
import org.pipelinekit.core.model.Pipeline;

/** Compiles exported Java with javax.tools and runs its pipeline methods, in the order the source declares them. */
final class CompiledJava {
  private CompiledJava() {}

  static List<Pipeline> compileAndRun(String packageName, String className, String source) throws Exception {
    Path dir = Files.createTempDirectory("java-export-");
    Path src = Files.createDirectories(dir.resolve("src").resolve(packageName.replace('.', '/'))).resolve(className + ".java");
    Files.writeString(src, source);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, errors, "-d", classes.toString(),
        "-classpath", System.getProperty("java.class.path"), "-encoding", "UTF-8", src.toString());
    assertThat(rc).as(errors.toString()).isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, CompiledJava.class.getClassLoader())) {
      Method[] methods = loader.loadClass(packageName + "." + className).getDeclaredMethods();
      Arrays.sort(methods, Comparator.comparingInt(m -> source.indexOf(" " + m.getName() + "()")));
      List<Pipeline> out = new ArrayList<>();
      for (Method m : methods) {
        if (m.getReturnType() == Pipeline.class && m.getParameterCount() == 0) out.add((Pipeline) m.invoke(null));
      }
      return out;
    }
  }
}
