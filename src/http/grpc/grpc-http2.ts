import type { Duplex } from 'node:stream';
import { type DescMessage, type DescMethod, type DescService, type MessageShape, create, fromBinary, isMessage, toBinary } from '@bufbuild/protobuf';
import { AnySchema, anyPack } from '@bufbuild/protobuf/wkt';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { Code, ConnectError, type ContextValues, type HandlerContext, type ServiceImpl, createContextValues } from '@connectrpc/connect';
import {
  type ConnectionInjector,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';

/** A service and the Connect implementation of its unary methods that gRPC over HTTP/2 serves. */
export interface GrpcServiceBinding {
  readonly service: DescService;
  readonly implementation: Partial<ServiceImpl<DescService>>;
}

/** gRPC over HTTP/2 cleartext: connections handed over by the same-port sniffer. */
export interface GrpcHttp2 {
  /** Serves gRPC on a connection that sent the HTTP/2 preface (pushed back onto it). */
  readonly injectConnection: (connection: Duplex) => void;
  /** Ends the sessions gracefully (GOAWAY); those still busy after `graceMs` are cancelled. */
  readonly close: (graceMs: number) => void;
}

type UnaryImpl = (request: unknown, context: HandlerContext) => unknown;

/**
 * gRPC over HTTP/2 by @grpc/grpc-js, serving the same Connect service implementations as the
 * HTTP/1.1 transports. Connect's own Node handler cost ~470 µs of CPU per unary call on this
 * service's machine (abort signals that build a DOMException per call, async-iterator pipelines,
 * the http2 compatibility layer; a bare Connect server with a constant answer cost the same),
 * grpc-js ~50–90 µs (BENCHMARKS.md, session 12). Messages are encoded and decoded with the same
 * protobuf-es descriptors; errors carry the same status code, message and
 * `grpc-status-details-bin` (google.rpc.Status with the zitadel.v1.ErrorDetail) as Connect writes.
 */
export function grpcOverHttp2(bindings: readonly GrpcServiceBinding[], options: { readonly maxReceiveBytes: number }): GrpcHttp2 {
  const server = new Server({ 'grpc.max_receive_message_length': options.maxReceiveBytes });
  for (const { service, implementation } of bindings) {
    const definition: Record<string, ServiceDefinition[string]> = {};
    const handlers: UntypedServiceImplementation = {};
    for (const method of service.methods) {
      const impl = (implementation as Record<string, UnaryImpl | undefined>)[method.localName];
      if (method.methodKind !== 'unary' || impl === undefined) continue;
      const path = `/${service.typeName}/${method.name}`;
      definition[method.name] = {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: (message: MessageShape<DescMessage>) => Buffer.from(toBinary(method.input, message)),
        requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
        responseSerialize: (message: MessageShape<DescMessage>) => Buffer.from(toBinary(method.output, message)),
        responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
      };
      handlers[method.name] = unaryHandler(service, method, path, impl);
    }
    server.addService(definition, handlers);
  }
  const injector: ConnectionInjector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    injectConnection: (connection) => injector.injectConnection(connection),
    close: (graceMs) => injector.drain(graceMs),
  };
}

function unaryHandler(service: DescService, method: DescMethod, path: string, impl: UnaryImpl) {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
    const context = new GrpcCallContext(service, method, path, call);
    Promise.resolve()
      .then(() => impl(call.request, context))
      .then(
        (answer) => {
          call.sendMetadata(responseMetadata(context.responseHeader));
          callback(null, isMessage(answer, method.output) ? answer : create(method.output, answer as MessageShape<DescMessage>));
        },
        (error: unknown) => {
          call.sendMetadata(responseMetadata(context.responseHeader));
          callback(grpcError(ConnectError.from(error, Code.Internal)), null);
        },
      );
  };
}

/**
 * The Connect handler context of one grpc-js call. Connect's `createHandlerContext` built, for
 * every call, an AbortController linked to a deadline controller and three copies of the headers;
 * with the grpc-js call's own objects they were most of what a call left to the garbage
 * collector (2.0 KB promoted per call at 1,000 calls/s on a bare server with a constant answer,
 * 0.55 KB with a plain context object; BENCHMARKS.md, session 13, and decisions §25). Here the request headers are built once,
 * and the signal, the trailers and the context values only when a handler asks for them. The
 * signal follows the call: it aborts when the client cancels (Connect's never did here).
 */
class GrpcCallContext implements HandlerContext {
  readonly requestMethod = 'POST';
  readonly protocolName = 'grpc';
  readonly requestHeader: Headers;
  readonly responseHeader = new Headers();
  private abortController: AbortController | null = null;
  private trailer: Headers | null = null;
  private contextValues: ContextValues | null = null;

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    /** `/<service>/<Method>`, the method's path. */
    readonly url: string,
    private readonly call: ServerUnaryCall<unknown, unknown>,
  ) {
    this.requestHeader = requestHeaders(call.metadata);
  }

  get signal(): AbortSignal {
    if (this.abortController === null) {
      const controller = new AbortController();
      const cancel = () => controller.abort(new ConnectError('the client cancelled the call', Code.Canceled));
      if (this.call.cancelled) cancel();
      else this.call.once('cancelled', cancel);
      this.abortController = controller;
    }
    return this.abortController.signal;
  }

  /** Milliseconds left before the client's deadline (`grpc-timeout`); undefined without one. */
  timeoutMs(): number | undefined {
    const deadline = this.call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    return Number.isFinite(at) ? at - Date.now() : undefined;
  }

  get responseTrailer(): Headers {
    this.trailer ??= new Headers();
    return this.trailer;
  }

  get values(): ContextValues {
    this.contextValues ??= createContextValues();
    return this.contextValues;
  }
}

/** Text metadata as the Headers Connect handlers read (binary `-bin` entries are not used). */
function requestHeaders(metadata: Metadata): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(metadata.getMap())) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return headers;
}

function responseMetadata(headers: Headers): Metadata {
  const metadata = new Metadata();
  headers.forEach((value, name) => metadata.set(name, value));
  return metadata;
}

/**
 * The status Connect sends for `error`: its code, its raw message, and its details in
 * `grpc-status-details-bin` as a google.rpc.Status (code 1, message 2, repeated Any details 3).
 */
function grpcError(error: ConnectError): { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  if (error.details.length > 0) {
    const writer = new BinaryWriter();
    writer.tag(1, WireType.Varint).int32(error.code);
    writer.tag(2, WireType.LengthDelimited).string(error.rawMessage);
    for (const detail of error.details) {
      const any =
        'desc' in detail
          ? anyPack(detail.desc, create(detail.desc, detail.value))
          : create(AnySchema, { typeUrl: `type.googleapis.com/${detail.type}`, value: detail.value });
      writer.tag(3, WireType.LengthDelimited).bytes(toBinary(AnySchema, any));
    }
    metadata.set('grpc-status-details-bin', Buffer.from(writer.finish()));
  }
  return { code: error.code as number as status, details: error.rawMessage, metadata };
}
