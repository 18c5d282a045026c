import { type AddressInfo, type Server as NetServer, createServer } from 'node:net';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { type Client, type ClientUnaryCall, Metadata, type ServiceError, credentials, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { type GrpcHttp2, grpcOverHttp2 } from './grpc-http2';

const method = ManagementService.method.getProjectGrantByID;
type Request = ReturnType<typeof create<typeof method.input>>;
type Response = ReturnType<typeof create<typeof method.output>>;

/** What the implementation saw of its context, per call. */
interface Seen {
  readonly context: HandlerContext;
  readonly timeoutMs: number | undefined;
}

/**
 * grpcOverHttp2 with one method whose behaviour each test picks through the request's grant id,
 * served on a loopback port by the connection injector (as the same-port sniffer hands it over).
 */
describe('gRPC over HTTP/2: the handler context a call gets', () => {
  let grpc: GrpcHttp2;
  let server: NetServer;
  let client: Client;
  const seen: Seen[] = [];
  let aborted: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    grpc = grpcOverHttp2(
      [
        {
          service: ManagementService,
          implementation: {
            getProjectGrantByID: async (request: Request, context: HandlerContext) => {
              seen.push({ context, timeoutMs: context.timeoutMs() });
              if (request.grantId === 'fail') throw new ConnectError('no such grant', Code.NotFound);
              if (request.grantId === 'wait') {
                // Resolves once the client's cancellation reaches the handler.
                aborted = new Promise((resolve) => context.signal.addEventListener('abort', () => resolve(context.signal.reason)));
                await aborted;
              }
              context.responseHeader.set('x-grantline-position', '42');
              return { projectGrant: { grantId: request.grantId, projectId: request.projectId, grantedOrgId: context.requestHeader.get('x-zitadel-orgid') ?? '' } };
            },
          } as never,
        },
      ],
      { maxReceiveBytes: 1 << 20 },
    );
    server = createServer((socket) => grpc.injectConnection(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const Generic = makeGenericClientConstructor({}, 'Test');
    client = new Generic(`127.0.0.1:${(server.address() as AddressInfo).port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    grpc.close(0);
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  function call(grantId: string, options: { deadline?: Date } = {}): { done: Promise<{ response: Response; metadata: Metadata }>; handle: ClientUnaryCall } {
    const metadata = new Metadata();
    metadata.set('x-zitadel-orgid', 'org-7');
    let received = new Metadata();
    let handle: ClientUnaryCall | undefined;
    const done = new Promise<{ response: Response; metadata: Metadata }>((resolve, reject) => {
      handle = client.makeUnaryRequest(
        `/${ManagementService.typeName}/${method.name}`,
        (message: Request) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes),
        create(method.input, { projectId: 'p-1', grantId }),
        metadata,
        options,
        (error: ServiceError | null, response?: Response) => (error !== null || response === undefined ? reject(error) : resolve({ response, metadata: received })),
      );
      handle.on('metadata', (headers: Metadata) => {
        received = headers;
      });
    });
    return { done, handle: handle as ClientUnaryCall };
  }

  it('gives the handler the request metadata as headers and sends its response headers as metadata', async () => {
    const { response, metadata } = await call('g-1').done;
    expect(response.projectGrant?.grantedOrgId).toBe('org-7');
    expect(response.projectGrant?.grantId).toBe('g-1');
    expect(metadata.get('x-grantline-position')).toEqual(['42']);
    expect(seen[0]?.context.method.name).toBe('GetProjectGrantByID');
    expect(seen[0]?.context.url).toBe('/zitadel.management.v1.ManagementService/GetProjectGrantByID');
    expect(seen[0]?.context.protocolName).toBe('grpc');
  });

  it("tells the handler how long is left before the client's deadline, and nothing without one", async () => {
    await call('g-2', { deadline: new Date(Date.now() + 5_000) }).done;
    await call('g-3').done;
    expect(seen[0]?.timeoutMs).toBeGreaterThan(0);
    expect(seen[0]?.timeoutMs).toBeLessThanOrEqual(5_000);
    expect(seen[1]?.timeoutMs).toBeUndefined();
  });

  it("aborts the handler's signal when the client cancels the call", async () => {
    const { done, handle } = call('wait');
    const outcome = done.catch((error: ServiceError) => error);
    await waitFor(() => seen.length === 1);
    expect(seen[0]?.context.signal.aborted).toBe(false);
    handle.cancel();
    const reason = await aborted;
    expect(seen[0]?.context.signal.aborted).toBe(true);
    expect(reason).toBeInstanceOf(ConnectError);
    expect((reason as ConnectError).code).toBe(Code.Canceled);
    expect(((await outcome) as ServiceError).code).toBe(status.CANCELLED);
  });

  it("answers a handler's error with its code and message", async () => {
    const error = (await call('fail').done.catch((failure: ServiceError) => failure)) as ServiceError;
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe('no such grant');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met within 2 s');
}
