package org.pipelinekit.s3;

import java.net.URI;
import java.util.UUID;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** s3proxy (a real S3 API, signatures checked) over jclouds' in-memory store, on a loopback port: the tests' S3. */
final class TestS3 implements AutoCloseable {
  static final String ACCESS = "pipelinekit";
  static final String SECRET = "s3-t3st-secret";
  private static TestS3 shared;

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  final URI endpoint;

  private TestS3() throws Exception {
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
    proxy = S3Proxy.builder().blobStore(context.getBlobStore()).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
        .endpoint(URI.create("http://127.0.0.1:0")).build();
    proxy.start();
    if (!AbstractLifeCycle.STARTED.equals(proxy.getState())) throw new IllegalStateException("s3proxy is " + proxy.getState());
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** One for the whole test run (it keeps nothing between buckets). */
  static synchronized TestS3 shared() throws Exception {
    if (shared == null) {
      shared = new TestS3();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A new bucket of its own, and the store's view of it under {@code prefix}. */
  S3Bucket newBucket(String prefix) {
    return S3Bucket.connect(endpoint, "us-east-1", ACCESS, SECRET, newBucketName(), prefix);
  }

  /** A new bucket's name. */
  String newBucketName() {
    String name = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    try (S3Client client = client()) {
      client.createBucket(b -> b.bucket(name));
    }
    return name;
  }

  /** A client of its own, to look at what the stores did (close it). */
  S3Client client() {
    return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
        .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      // stopping anyway
    }
    context.close();
  }
}
