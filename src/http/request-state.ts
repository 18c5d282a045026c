import type { FastifyRequest } from 'fastify';
import type { Principal } from './auth/principal';

/** A body the raw parser refused to keep (over the 1 MiB limit). */
export const BODY_TOO_LARGE = Symbol('BodyTooLarge');

/** What the pipeline learned about a request, for the handlers after it. */
export interface RequestState {
  readonly requestId: string;
  principal: Principal | null;
  /** The acting org; '' when none applies. */
  actingOrg: string;
  /** Global position a read was served at. */
  servedPosition: number;
}

export type GrantlineRequest = FastifyRequest & { grantline?: RequestState };

export function requestState(request: GrantlineRequest): RequestState {
  if (request.grantline === undefined) throw new Error('request passed no Grantline guard');
  return request.grantline;
}
