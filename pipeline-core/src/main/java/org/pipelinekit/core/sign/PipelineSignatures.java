package org.pipelinekit.core.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.PipelineSignature;

/**
 * Signed pipelines: an Ed25519 signature over a pipeline's canonical form — its JSON export without its store revision and
 * without the signature itself, so comments, key order and YAML or JSON do not matter, and any change of meaning does.
 * Keys are files: {@code NAME.key} (the private key, PKCS#8 in base64, readable by its owner only) signs, {@code NAME.pub}
 * (X.509 in base64) is what a server trusts; {@link Trusted} is the public keys of a directory.
 */
public final class PipelineSignatures {
  private PipelineSignatures() {}

  /** The bytes a signature covers. */
  public static byte[] canonical(Pipeline pipeline) {
    Pipeline bare = pipeline.withVersion(0).withSignature(Optional.empty());
    return PipelineFormat.JSON.write(bare).getBytes(StandardCharsets.UTF_8);
  }

  /** A new key pair, written as {@code dir/NAME.key} (owner only) and {@code dir/NAME.pub}; refuses to overwrite either. */
  public static void generate(Path dir, String name) throws IOException {
    new PipelineSignature(name, "AA=="); // the name check
    Path key = dir.resolve(name + ".key");
    Path pub = dir.resolve(name + ".pub");
    if (Files.exists(key) || Files.exists(pub)) {
      throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, "a key named " + name + " is already in " + dir + "; choose another name or remove it");
    }
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java has no Ed25519", e);
    }
    PrivateFiles.createDirectories(dir);
    Files.createFile(key, PrivateFiles.file());
    Files.writeString(key, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n");
    Files.writeString(pub, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
  }

  /** The pipeline signed with the private key in {@code keyFile} ({@code NAME.key}), named after the file. */
  public static Pipeline sign(Pipeline pipeline, Path keyFile) throws IOException {
    String file = keyFile.getFileName().toString();
    if (!file.endsWith(".key")) {
      throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, keyFile + " is not a private key file (NAME.key, made by pipelinekit keys generate NAME)");
    }
    String name = file.substring(0, file.length() - ".key".length());
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(decode(Files.readString(keyFile), keyFile)));
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(canonical(pipeline));
      return pipeline.withSignature(Optional.of(new PipelineSignature(name, Base64.getEncoder().encodeToString(s.sign()))));
    } catch (GeneralSecurityException e) {
      throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, keyFile + " is not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /** The public keys a server trusts, by name. */
  public record Trusted(Map<String, PublicKey> keys) {
    public Trusted {
      keys = Map.copyOf(keys);
    }

    /** Every {@code NAME.pub} in the directory. */
    public static Trusted inDirectory(Path dir) throws IOException {
      if (!Files.isDirectory(dir)) {
        throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, "no directory of trusted keys at " + dir
            + " (put there the NAME.pub files that pipelinekit keys generate made)");
      }
      Map<String, PublicKey> keys = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pub")).sorted().toList()) {
          String name = f.getFileName().toString().replaceFirst("\\.pub$", "");
          try {
            keys.put(name, KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(decode(Files.readString(f), f))));
          } catch (GeneralSecurityException e) {
            throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, f + " is not an Ed25519 public key: " + e.getMessage(), e);
          }
        }
      }
      if (keys.isEmpty()) throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, "no NAME.pub key in " + dir);
      return new Trusted(keys);
    }

    /**
     * Why the pipeline may not run here, if it may not: unsigned, signed by a key not trusted, or changed since it was
     * signed (the signature does not match); each reason names the keys expected.
     */
    public Optional<String> refusal(Pipeline pipeline) {
      if (pipeline.signature().isEmpty()) {
        return Optional.of("pipeline " + pipeline.id() + " is not signed; this server runs only pipelines signed by " + names()
            + ": sign it with pipelinekit sign FILE --key NAME.key");
      }
      PipelineSignature sig = pipeline.signature().get();
      PublicKey key = keys.get(sig.key());
      if (key == null) {
        return Optional.of("pipeline " + pipeline.id() + " is signed by key '" + sig.key() + "', which this server does not trust; it trusts "
            + names());
      }
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(canonical(pipeline));
        if (s.verify(Base64.getDecoder().decode(sig.value()))) return Optional.empty();
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // a signature that is not one: the same answer as a wrong one
      }
      return Optional.of("pipeline " + pipeline.id() + " does not match its signature by key '" + sig.key()
          + "': it was changed after it was signed; sign it again with " + sig.key() + ".key");
    }

    /** Throws when {@link #refusal} has a reason. */
    public void check(Pipeline pipeline) {
      refusal(pipeline).ifPresent(why -> {
        throw new PipelineException(ErrorCode.PIPELINE_NOT_SIGNED, why);
      });
    }

    private String names() {
      return keys.size() == 1 ? "key '" + keys.keySet().iterator().next() + "'" : "one of the keys " + keys.keySet();
    }
  }

  private static byte[] decode(String text, Path file) {
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new PipelineException(ErrorCode.SIGNING_KEY_INVALID, file + " is not a base64 key file: " + e.getMessage(), e);
    }
  }
}
