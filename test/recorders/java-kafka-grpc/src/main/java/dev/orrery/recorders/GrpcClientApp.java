package dev.orrery.recorders;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.TimeUnit;

/**
 * Calls orrery.pricing.Pricing/Quote on 127.0.0.1:PORT for each item given (a blocking unary
 * call, one trace each) and exits. No tracing code. Arguments: port, items...
 */
public final class GrpcClientApp {
  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", Integer.parseInt(args[0]), InsecureChannelCredentials.create()).build();
    try {
      for (int i = 1; i < args.length; i++) {
        try {
          System.out.println("quote " + args[i] + ": " + ClientCalls.blockingUnaryCall(channel, Pricing.QUOTE, CallOptions.DEFAULT, args[i]));
        } catch (StatusRuntimeException e) {
          System.out.println("quote " + args[i] + ": " + e.getStatus().getCode());
        }
      }
    } finally {
      channel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
    }
    System.out.println("done");
  }
}
