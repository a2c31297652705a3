package dev.orrery.recorders;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;

/**
 * A grpc-java server (Netty, shaded) with one hand-built unary method, orrery.pricing.Pricing/Quote:
 * "unknown" answers NOT_FOUND, "broken" answers INTERNAL, anything else a price. Prints
 * "listening PORT", and stops when its standard input closes. No tracing code.
 */
public final class GrpcServerApp {
  public static void main(String[] args) throws Exception {
    ServerServiceDefinition service = ServerServiceDefinition.builder("orrery.pricing.Pricing")
        .addMethod(Pricing.QUOTE, ServerCalls.asyncUnaryCall((String item, io.grpc.stub.StreamObserver<String> reply) -> {
          switch (item) {
            case "unknown" -> reply.onError(Status.NOT_FOUND.withDescription("no price for " + item).asRuntimeException());
            case "broken" -> reply.onError(Status.INTERNAL.withDescription("price list unreadable").asRuntimeException());
            default -> {
              reply.onNext(item + ": 4.20");
              reply.onCompleted();
            }
          }
        }))
        .build();
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service).build().start();
    System.out.println("listening " + server.getPort());
    while (System.in.read() != -1) {
      // wait for standard input to close
    }
    server.shutdown().awaitTermination(java.util.concurrent.TimeUnit.SECONDS.toMillis(10), java.util.concurrent.TimeUnit.MILLISECONDS);
    System.out.println("stopped");
  }
}
