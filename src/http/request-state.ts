import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './auth/principal';

/** A body the raw parser refused to keep (over the 1 MiB limit). */
export const BODY_TOO_LARGE = Symbol('BodyTooLarge');

/** What the pipeline learned about a request, for the handlers after it. */
export interface RequestState {
  /** '' until a command needs it (see requestId): a read has no use for one. */
  requestId: string;
  principal: Principal | null;
  /** The acting org; '' when none applies. */
  actingOrg: string;
  /** Global position a read was served at. */
  servedPosition: number;
}

export type GrantlineRequest = FastifyRequest & { grantline?: RequestState };

/** The request's id, made on first use: it correlates the events of the request's command. */
export function requestId(state: RequestState): string {
  if (state.requestId === '') state.requestId = randomUUID();
  return state.requestId;
}

export function requestState(request: GrantlineRequest): RequestState {
  if (request.grantline === undefined) throw new Error('request passed no Grantline guard');
  return request.grantline;
}
