package io.lmsingest.kit.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Drops the {@code Expect: 100-continue} header S3 puts and part uploads carry. With the JDK's
 * URLConnection client a server that closes a kept-alive connection during the 100-continue
 * handshake surfaces as an UncheckedIOException ("Unexpected end of file from server") that the SDK
 * does not retry (aws-sdk-java-v2 #6670; seen here against the local S3 server); without the header
 * such a request is retried like any I/O error. The cost: a put refused by its precondition (412 on
 * an object that already exists, which is rare) sends its body before the answer.
 */
public final class WithoutExpectContinue implements ExecutionInterceptor {
  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    return request.firstMatchingHeader("Expect").isPresent()
        ? request.toBuilder().removeHeader("Expect").build()
        : request;
  }
}
