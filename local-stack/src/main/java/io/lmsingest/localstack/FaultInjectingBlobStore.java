package io.lmsingest.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Wraps the server's store: applies {@link S3Faults} to puts, parts and multipart completions, and
 * accepts server-side-encryption headers on the plain-file store too (s3proxy's filesystem store
 * answers 501 to them). Every client asks for SSE on every put, as it must against real S3; locally
 * the objects stay plain files so any Parquet tool can read them.
 */
final class FaultInjectingBlobStore extends ForwardingBlobStore {
  private final S3Faults faults;

  FaultInjectingBlobStore(BlobStore delegate, S3Faults faults) {
    super(delegate);
    this.faults = faults;
  }

  @Override
  public boolean supportsServerSideEncryption() {
    return true;
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
    before(request.bucket(), request.ifNoneMatch() != null, content);
    PutObjectResponse response = super.putBlob(request, content);
    after(request.bucket());
    return response;
  }

  @Override
  public UploadPartResponse uploadMultipartPart(
      MultipartUpload upload, UploadPartRequest request, InputStream content) {
    before(request.bucket(), false, content);
    return super.uploadMultipartPart(upload, request, content);
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    before(request.bucket(), request.ifNoneMatch() != null, InputStream.nullInputStream());
    CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
    after(request.bucket());
    return response;
  }

  private void before(String bucket, boolean conditional, InputStream body) {
    S3Faults.Plan plan = faults.planFor(bucket);
    if (faults.roll(S3Faults.Kind.SLOW, plan.slow())) {
      try {
        Thread.sleep(plan.slowMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw S3Exceptions.fromStatusCode(503);
      }
    }
    if (faults.roll(S3Faults.Kind.FAIL_BEFORE_WRITE, plan.failBeforeWrite())) {
      drain(body);
      throw S3Exceptions.fromStatusCode(500);
    }
    if (conditional
        && faults.roll(S3Faults.Kind.FALSE_PRECONDITION_FAILED, plan.falsePreconditionFailed())) {
      drain(body);
      throw S3Exceptions.preconditionFailed(null);
    }
  }

  /**
   * Reads the request body before answering, so the client gets the error response itself and not a
   * broken pipe ("Error writing request body") from an answer that came before it finished sending.
   */
  private static void drain(InputStream body) {
    try {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw S3Exceptions.fromStatusCode(500, e);
    }
  }

  private void after(String bucket) {
    if (faults.roll(S3Faults.Kind.FAIL_AFTER_WRITE, faults.planFor(bucket).failAfterWrite())) {
      throw S3Exceptions.fromStatusCode(500);
    }
  }
}
