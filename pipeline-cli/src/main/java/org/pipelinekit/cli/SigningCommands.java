package org.pipelinekit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.PipelineSignature;
import org.pipelinekit.core.sign.PipelineSignatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keys generate}, {@code sign} and {@code verify}: signed pipelines (Ed25519 over the pipeline's canonical form). */
final class SigningCommands {
  private SigningCommands() {}

  @Command(name = "keys", description = "Signing keys for pipelines", subcommands = {Generate.class})
  static final class Keys extends CommandGroup {
  }

  @Command(name = "generate", description = "Make a key pair: NAME.key signs (keep it to yourself), NAME.pub is what servers trust")
  static final class Generate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The key's name, as signatures and refusals name it (letters, digits, . _ -)")
    String name;

    @Option(names = "--dir", defaultValue = ".", description = "Where to write the two files (default: the current directory)")
    Path dir;

    @Override
    public Integer call() throws Exception {
      try {
        PipelineSignatures.generate(dir, name);
      } catch (PipelineException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return Main.INVALID;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + dir.resolve(name + ".key") + " (the private key: readable by you only; sign with it)");
      out.println("wrote " + dir.resolve(name + ".pub") + " (the public key: put it in the directory a server trusts, serve --trusted-keys DIR)");
      return 0;
    }
  }

  @Command(name = "sign", description = "Sign a pipeline file (YAML or JSON) with a private key: its signature: is written into the file")
  static final class Sign implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A pipeline file (.yaml, .yml or .json) with one pipeline")
    Path file;

    @Option(names = "--key", required = true, paramLabel = "NAME.key", description = "The private key (pipelinekit keys generate NAME)")
    Path key;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
      if (!yaml && !name.endsWith(".json")) {
        err.println("error: only YAML and JSON pipeline files carry a signature; write this one as YAML first: pipelinekit export "
            + file + " -f yaml > pipeline.yaml");
        return Main.INVALID;
      }
      Optional<List<Pipeline>> read = PipelineFiles.readAll(file, err);
      if (read.isEmpty()) return Main.INVALID;
      if (read.get().size() != 1) {
        err.println("error: " + file + " holds " + read.get().size() + " pipelines; sign one pipeline per file");
        return Main.INVALID;
      }
      Pipeline signed;
      try {
        signed = PipelineSignatures.sign(read.get().get(0), key);
      } catch (PipelineException e) {
        err.println("error: " + e.getMessage());
        return Main.INVALID;
      }
      PipelineSignature sig = signed.signature().orElseThrow();
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Files.writeString(file, yaml ? withYamlSignature(text, sig) : withJsonSignature(text, sig), StandardCharsets.UTF_8);
      spec.commandLine().getOut().println("signed pipeline " + signed.id() + " in " + file + " with key " + sig.key());
      return 0;
    }

    /** The YAML text with its top-level signature: block (if any) replaced by this one, at the end; the rest as it was. */
    static String withYamlSignature(String text, PipelineSignature sig) {
      StringBuilder kept = new StringBuilder();
      boolean inOld = false;
      for (String line : text.split("\n", -1)) {
        if (line.startsWith("signature:")) {
          inOld = true;
          continue;
        }
        if (inOld && (line.startsWith(" ") || line.startsWith("\t") || line.isEmpty())) continue;
        inOld = false;
        kept.append(line).append('\n');
      }
      String body = kept.toString().replaceAll("\n+$", "\n");
      return body + "signature:\n  key: " + sig.key() + "\n  value: " + sig.value() + "\n";
    }

    static String withJsonSignature(String text, PipelineSignature sig) throws java.io.IOException {
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode doc = (ObjectNode) json.readTree(text);
      doc.remove("signature");
      doc.putObject("signature").put("key", sig.key()).put("value", sig.value());
      return json.writeValueAsString(doc) + "\n";
    }
  }

  @Command(name = "verify", description = "Check that pipeline files are signed by a key this directory trusts, and unchanged since"
      + " (exit 1 when one is not)")
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Pipeline files")
    List<Path> files;

    @Option(names = "--trusted-keys", required = true, paramLabel = "DIR", description = "A directory of NAME.pub files")
    Path trustedKeys;

    @Override
    public Integer call() throws Exception {
      PipelineSignatures.Trusted trusted;
      try {
        trusted = PipelineSignatures.Trusted.inDirectory(trustedKeys);
      } catch (PipelineException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return Main.INVALID;
      }
      boolean ok = true;
      for (Path file : files) {
        Optional<List<Pipeline>> read = PipelineFiles.readAll(file, spec.commandLine().getErr());
        if (read.isEmpty()) {
          ok = false;
          continue;
        }
        for (Pipeline p : read.get()) {
          Optional<String> refusal = trusted.refusal(p);
          if (refusal.isPresent()) {
            spec.commandLine().getErr().println(file + ": " + refusal.get());
            ok = false;
          } else {
            spec.commandLine().getOut().println(file + ": pipeline " + p.id() + " is signed by key '" + p.signature().get().key()
                + "', which " + trustedKeys + " trusts, and unchanged since");
          }
        }
      }
      return ok ? 0 : Main.INVALID;
    }
  }
}
