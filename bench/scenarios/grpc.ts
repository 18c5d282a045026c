import { type ServiceError, status } from '@grpc/grpc-js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { type CallLoadResult, closedLoopCalls, fixedRateCalls } from '../lib/call-load';
import { type DataSet, dataSetCache } from '../lib/dataset';
import { fixedRate } from '../lib/fixed-rate';
import { GrpcUnaryClient } from '../lib/grpc-client';
import { warmThenMeasure } from '../lib/load';
import { round } from '../lib/stats';
import type { BenchContext } from './context';
import { ensureDataSetService, freshUserGrant } from './dataset';

const READ_STREAMS = 100;
const WRITE_STREAMS = 32;
const READ_RATE = 1000;
const WRITE_RATE = 500;

interface Side {
  readonly rps: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly generatorCpuPercent?: number;
  /** Closed loop: the service's CPU per answered call, µs. */
  readonly serverCpuPerCallUs?: number;
}

/**
 * Issue 5: GetProjectGrantByID and AddUserGrant over gRPC (h2c, ONE HTTP/2 session from a
 * @grpc/grpc-js channel, as @zitadel/node uses, N concurrent streams, @zitadel/proto's
 * ManagementService descriptor) against the same calls over REST (HTTP/1.1, N keep-alive
 * connections), same service, same data set, same run. Throughput closed loop (reads: 100 in
 * flight, no pipelining on either side; writes: 32), latency at a fixed rate (reads 1,000/s,
 * writes 500/s). The gRPC client (protobuf + HTTP/2 framing in JS) costs the load generator more
 * than autocannon does; its CPU share is printed, near 100 % means the generator is the limit. The
 * service's CPU per call, measured in both closed loops, is the figure that compares the transports.
 */
export async function grpcScenario(context: BenchContext): Promise<void> {
  const service = await ensureDataSetService(context);
  const dataSet = dataSetCache.dataSet as DataSet;
  const { throughputS, warmUpS, fixedRateS } = context.durations;
  const client = new GrpcUnaryClient(new URL(service.url).host);
  const { getProjectGrantByID, addUserGrant } = ManagementService.method;
  const grants = dataSet.projectGrants;
  let readIndex = 0;
  const nextGrant = () => grants[Math.floor(Math.random() * grants.length)] as (typeof grants)[number];
  const errors: Record<string, number> = {};
  const noteError = (error: unknown) => {
    const code = isServiceError(error) ? `${status[error.code]} ${error.details.slice(0, 80)}` : String(error).slice(0, 80);
    errors[code] = (errors[code] ?? 0) + 1;
    return false;
  };
  const grpcRead = async () => {
    const grant = nextGrant();
    readIndex += 1;
    try {
      await client.call(getProjectGrantByID, { projectId: grant.projectId, grantId: grant.grantId }, service.headers(grant.owner));
      return true;
    } catch (error) {
      return noteError(error);
    }
  };
  const grpcWrite = async () => {
    const pair = freshUserGrant(dataSet);
    try {
      await client.call(addUserGrant, { userId: pair.userId, projectId: pair.projectId, projectGrantId: pair.projectGrantId, roleKeys: ['reader'] }, service.headers(pair.org));
      return true;
    } catch (error) {
      return noteError(error);
    }
  };
  const restRead = () => {
    const grant = nextGrant();
    return { method: 'GET', path: `/management/v1/projects/${grant.projectId}/grants/${grant.grantId}`, headers: service.headers(grant.owner) };
  };
  const restWrite = () => {
    const pair = freshUserGrant(dataSet);
    return {
      method: 'POST',
      path: `/management/v1/users/${pair.userId}/grants`,
      headers: service.headers(pair.org, true),
      body: JSON.stringify({ projectId: pair.projectId, projectGrantId: pair.projectGrantId, roleKeys: ['reader'] }),
    };
  };

  const rest = async (label: string, connections: number, rate: number, next: () => { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<Side> => {
    context.log(`  REST ${label}: -c ${connections}, ${warmUpS} s warm-up + ${throughputS} s; then ${rate}/s fixed for ${fixedRateS} s`);
    const closed = await warmThenMeasure(
      {
        label: `REST ${label}`,
        url: service.url,
        connections,
        durationS: throughputS,
        serverPid: service.server.pid,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const spec = next();
              return { ...request, method: spec.method, path: spec.path, headers: spec.headers, ...(spec.body !== undefined ? { body: spec.body } : {}) };
            },
          },
        ],
      },
      warmUpS,
    );
    await service.caughtUp();
    const fixed = await fixedRate({ label: `REST ${label} fixed`, url: service.url, rate, durationS: fixedRateS, request: () => next() });
    const serverCpuPerCallUs = closed.serverCpuPercent !== null && closed.okPerSecond > 0 ? Math.round((closed.serverCpuPercent / 100 / closed.okPerSecond) * 1e6) : undefined;
    return {
      rps: closed.okPerSecond,
      errors: closed.non2xx + closed.errors + fixed.non2xx + fixed.errors,
      p50: fixed.latency.p50,
      p99: fixed.latency.p99,
      ...(serverCpuPerCallUs !== undefined ? { serverCpuPerCallUs } : {}),
    };
  };
  const grpc = async (label: string, streams: number, rate: number, call: () => Promise<boolean>): Promise<Side & { closed: CallLoadResult; fixed: CallLoadResult }> => {
    context.log(`  gRPC ${label}: ${streams} streams on one HTTP/2 session, ${warmUpS} s warm-up + ${throughputS} s; then ${rate}/s fixed for ${fixedRateS} s`);
    await closedLoopCalls(call, streams, warmUpS);
    const closed = await closedLoopCalls(call, streams, throughputS, service.server.pid);
    await service.caughtUp();
    const fixed = await fixedRateCalls(call, rate, fixedRateS);
    return {
      rps: closed.okPerSecond,
      errors: closed.failed + fixed.failed,
      p50: fixed.latency.p50,
      p99: fixed.latency.p99,
      generatorCpuPercent: closed.generatorCpuPercent,
      ...(closed.serverCpuPerCallUs !== undefined ? { serverCpuPerCallUs: closed.serverCpuPerCallUs } : {}),
      closed,
      fixed,
    };
  };

  const restGet = await rest('GetProjectGrantByID', READ_STREAMS, READ_RATE, restRead);
  const grpcGet = await grpc('GetProjectGrantByID', READ_STREAMS, READ_RATE, grpcRead);
  await service.caughtUp();
  const restAdd = await rest('AddUserGrant', WRITE_STREAMS, WRITE_RATE, restWrite);
  await service.caughtUp();
  const grpcAdd = await grpc('AddUserGrant', WRITE_STREAMS, WRITE_RATE, grpcWrite);
  await service.caughtUp();
  void readIndex;
  if (Object.keys(errors).length > 0) context.log(`    gRPC errors: ${JSON.stringify(errors)}`);
  context.log(`    load generator CPU during the gRPC closed loops: reads ${grpcGet.generatorCpuPercent} %, writes ${grpcAdd.generatorCpuPercent} % of one core`);

  const scenario = 'grpc';
  const rows = (key: string, label: string, restSide: Side, grpcSide: Side, streams: number, rate: number) => {
    const vs = (value: number, of: number) => (of > 0 && Number.isFinite(value) ? { ratio: { value: value / of, to: `REST ${label}` } } : {});
    context.rows.push(
      { scenario, key: `grpc.${key}.rest_rps`, name: `REST ${label}, ${streams} connections`, value: Math.round(restSide.rps), unit: 'req/s' },
      { scenario, key: `grpc.${key}.grpc_rps`, name: `gRPC ${label}, ${streams} streams / 1 session (gen. CPU ${grpcSide.generatorCpuPercent ?? '?'} %)`, value: Math.round(grpcSide.rps), unit: 'req/s', ...vs(grpcSide.rps, restSide.rps) },
      { scenario, key: `grpc.${key}.rest_p50`, name: `REST ${label} at ${rate}/s: p50`, value: round(restSide.p50, 3), unit: 'ms' },
      { scenario, key: `grpc.${key}.grpc_p50`, name: `gRPC ${label} at ${rate}/s: p50`, value: round(grpcSide.p50, 3), unit: 'ms', ...vs(grpcSide.p50, restSide.p50) },
      { scenario, key: `grpc.${key}.rest_p99`, name: `REST ${label} at ${rate}/s: p99`, value: round(restSide.p99, 3), unit: 'ms' },
      { scenario, key: `grpc.${key}.grpc_p99`, name: `gRPC ${label} at ${rate}/s: p99`, value: round(grpcSide.p99, 3), unit: 'ms', ...vs(grpcSide.p99, restSide.p99) },
      { scenario, key: `grpc.${key}.errors`, name: `${label}: errors (REST + gRPC, both rounds)`, value: restSide.errors + grpcSide.errors, unit: 'responses' },
    );
    if (restSide.serverCpuPerCallUs !== undefined && grpcSide.serverCpuPerCallUs !== undefined) {
      context.rows.push(
        { scenario, key: `grpc.${key}.rest_server_cpu`, name: `(diag) REST ${label}: service CPU per call (closed loop)`, value: restSide.serverCpuPerCallUs, unit: 'µs' },
        {
          scenario,
          key: `grpc.${key}.grpc_server_cpu`,
          name: `(diag) gRPC ${label}: service CPU per call (closed loop)`,
          value: grpcSide.serverCpuPerCallUs,
          unit: 'µs',
          ...vs(grpcSide.serverCpuPerCallUs, restSide.serverCpuPerCallUs),
        },
      );
    }
  };
  rows('get_project_grant', 'GetProjectGrantByID', restGet, grpcGet, READ_STREAMS, READ_RATE);
  rows('add_user_grant', 'AddUserGrant', restAdd, grpcAdd, WRITE_STREAMS, WRITE_RATE);
  client.close();
  context.details.grpc = {
    getProjectGrant: { rest: restGet, grpc: { closed: grpcGet.closed, fixed: grpcGet.fixed } },
    addUserGrant: { rest: restAdd, grpc: { closed: grpcAdd.closed, fixed: grpcAdd.fixed } },
    errors,
  };
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && typeof (error as Partial<ServiceError>).details === 'string';
}
