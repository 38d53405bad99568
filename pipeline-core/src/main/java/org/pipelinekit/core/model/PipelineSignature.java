package org.pipelinekit.core.model;

/**
 * An Ed25519 signature over a pipeline's canonical form, by the key named {@code key} (a server trusts keys by name):
 * {@code signature: {key: team-a, value: <base64>}} in files. {@code PipelineSignatures} makes and checks them.
 */
public record PipelineSignature(String key, String value) {
  public PipelineSignature {
    Checks.notBlank(key, "signature key");
    Checks.notBlank(value, "signature value");
    if (!key.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("signature key must be a key's name (letters, digits, . _ -), got '" + key + "'");
    }
    if (!value.matches("[A-Za-z0-9+/]+={0,2}")) throw new IllegalArgumentException("signature value must be base64");
  }
}
