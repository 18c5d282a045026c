import { type DescMessage, type DescMethodUnary, type MessageInitShape, type MessageShape, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type Client, type ServiceError, credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';

/**
 * gRPC unary calls through @grpc/grpc-js, the transport of ZITADEL's Node SDK (@zitadel/node, via
 * nice-grpc), with protobuf-es messages. One client is one channel: one HTTP/2 connection, every
 * call a stream on it. Connect's gRPC client cost the load generator ~350–500 µs of CPU per call
 * on the 2-core VMs, so it, not the service, set the gRPC figures; grpc-js costs ~120 µs.
 */
export class GrpcUnaryClient {
  private readonly client: Client;

  constructor(address: string) {
    const Generic = makeGenericClientConstructor({}, 'Bench');
    this.client = new Generic(address, credentials.createInsecure());
  }

  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    headers: Readonly<Record<string, string>>,
  ): Promise<MessageShape<O>> {
    const metadata = new Metadata();
    for (const [name, value] of Object.entries(headers)) metadata.set(name, value);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/${method.parent.typeName}/${method.name}`,
        (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes),
        create(method.input, request),
        metadata,
        (error: ServiceError | null, answer?: MessageShape<O>) => (error !== null || answer === undefined ? reject(error) : resolve(answer)),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
