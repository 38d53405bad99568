package org.pipelinekit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket (and a key prefix in it) of an S3-compatible object store, as the stores of this module use it: whole objects
 * uploaded from files — in one request up to {@link #PART_SIZE}, in parts above it (multipart upload, aborted when a part
 * fails) — and read as streams. Failures become {@link IOException}s that say what could not be done.
 */
public final class S3Bucket implements AutoCloseable {
  /** The size of an upload's parts (S3 takes 5 MiB at least, but the last). */
  public static final int PART_SIZE = 8 * 1024 * 1024;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final boolean owned;

  private S3Bucket(S3Client client, String bucket, String prefix, boolean owned) {
    this.client = Objects.requireNonNull(client, "client");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    this.owned = owned;
  }

  /** The bucket through the host's client (closing this leaves the client open). */
  public static S3Bucket of(S3Client client, String bucket, String prefix) {
    return new S3Bucket(client, bucket, prefix, false);
  }

  /**
   * The bucket at an endpoint (MinIO, Ceph, s3proxy, or AWS's), with path-style addressing and these credentials; the
   * client is closed with this.
   */
  public static S3Bucket connect(@Nullable URI endpoint, String region, @Nullable String accessKey, @Nullable String secretKey, String bucket,
      String prefix) {
    // checksums only where an operation needs them: S3-compatible stores (MinIO, Ceph, s3proxy) may not take the trailing
    // checksums the SDK sends by default
    var b = S3Client.builder().region(Region.of(region))
        .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
    if (endpoint != null) b.endpointOverride(endpoint).forcePathStyle(true); // AWS itself: its own addresses
    if (accessKey != null && secretKey != null) {
      b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    } // else the SDK's default chain: environment, profile, instance or pod role
    return new S3Bucket(b.build(), bucket, prefix, true);
  }

  String key(String name) {
    return prefix + name;
  }

  /** Uploads the file as {@code name}. */
  void upload(String name, Path file) throws IOException {
    upload(name, file, null);
  }

  /** Uploads the file as {@code name}, with that content type when given. */
  void upload(String name, Path file, @Nullable String contentType) throws IOException {
    long size = Files.size(file);
    String key = key(name);
    try {
      if (size <= PART_SIZE) {
        client.putObject(b -> b.bucket(bucket).key(key).contentLength(size).contentType(contentType), RequestBody.fromFile(file));
        return;
      }
      String upload = client.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
      try (InputStream in = Files.newInputStream(file)) {
        List<CompletedPart> parts = new ArrayList<>();
        byte[] buffer = new byte[PART_SIZE];
        for (int number = 1; ; number++) {
          int n = in.readNBytes(buffer, 0, PART_SIZE);
          if (n == 0) break;
          int part = number;
          String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(part).contentLength((long) n),
              RequestBody.fromBytes(n == PART_SIZE ? buffer : java.util.Arrays.copyOf(buffer, n))).eTag();
          parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
        }
        client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
      } catch (IOException | RuntimeException e) {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload));
        throw e;
      }
    } catch (SdkException e) {
      throw new IOException("cannot upload " + key + " to bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  /** The object's content; {@link NoSuchFileException} when there is none. */
  InputStream open(String name) throws IOException {
    String key = key(name);
    try {
      return client.getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(key);
    } catch (SdkException e) {
      throw new IOException("cannot read " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  /** Whether there is an object of that name. */
  boolean exists(String name) throws IOException {
    String key = key(name);
    try {
      client.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (SdkException e) {
      if (e instanceof NoSuchKeyException || e instanceof S3Exception s3 && s3.statusCode() == 404) return false;
      throw new IOException("cannot look for " + key + " in bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  void delete(String name) throws IOException {
    String key = key(name);
    try {
      client.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw new IOException("cannot delete " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  /** The objects whose names start with {@code start}, with names relative to the prefix. */
  List<S3Object> list(String start) throws IOException {
    List<S3Object> out = new ArrayList<>();
    try {
      client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + start)).contents().forEach(out::add);
    } catch (SdkException e) {
      throw new IOException("cannot list bucket " + bucket + ": " + e.getMessage(), e);
    }
    return out;
  }

  String nameOf(S3Object o) {
    return o.key().substring(prefix.length());
  }

  @Override
  public void close() {
    if (owned) client.close();
  }
}
