package org.pipelinekit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.stage.StageRegistry;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** deploy-edge to an S3 bucket (s3proxy): the site's files go up with their content types, and what it no longer has goes. */
class EdgePublishTest {
  @TempDir Path dir;

  @Test
  void theDirectoryIsPublishedWithContentTypes_andStaleFilesAreRemoved() throws Exception {
    TestS3 s3 = TestS3.shared();
    String bucket = s3.newBucketName();
    try (S3Client client = s3.client()) {
      client.putObject(b -> b.bucket(bucket).key("site/old.html"), RequestBody.fromString("gone soon"));
      client.putObject(b -> b.bucket(bucket).key("elsewhere/keep.txt"), RequestBody.fromString("not ours"));
      Path source = Files.createDirectories(dir.resolve("source/dist/assets"));
      Files.writeString(source.getParent().resolve("index.html"), "<h1>shop</h1>");
      Files.writeString(source.resolve("app.css"), "h1 { color: teal }");
      Files.write(source.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
      try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).source(dir.resolve("source"))
          .registry(StageRegistry.builder().addBuiltins().add(new S3StageTypes()).build())
          .secrets(new InMemorySecretStore(Map.of("S3_KEY", TestS3.ACCESS, "S3_SECRET", TestS3.SECRET))).build()) {
        ExecutionSnapshot done = executor.execute(PipelineFormat.YAML.read("""
            id: site
            stages:
              - id: publish
                type: deploy-edge
                with: { provider: s3, regions: [all], directory: dist, bucket: %s, prefix: site/, endpoint: '%s',
                        access_key: '${{ secrets.S3_KEY }}', secret_key: '${{ secrets.S3_SECRET }}', public_url: 'https://cdn.example.org/' }
            """.formatted(bucket, s3.endpoint))).completion().get(60, TimeUnit.SECONDS);
        assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.stage("publish").outputs().get("deployments")).isEqualTo("[{\"region\":\"us-east-1\",\"url\":\"https://cdn.example.org/\"}]");
      }
      assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).extracting(o -> o.key())
          .containsExactlyInAnyOrder("site/index.html", "site/assets/app.css", "site/assets/logo.png", "elsewhere/keep.txt");
      assertThat(client.headObject(b -> b.bucket(bucket).key("site/index.html")).contentType()).isEqualTo("text/html");
      assertThat(client.headObject(b -> b.bucket(bucket).key("site/assets/app.css")).contentType()).isEqualTo("text/css");
      assertThat(client.headObject(b -> b.bucket(bucket).key("site/assets/logo.png")).contentType()).isEqualTo("image/png");
      assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("site/index.html")).asUtf8String()).isEqualTo("<h1>shop</h1>");
    }
  }
}
