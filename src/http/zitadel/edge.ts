import type { FastifyReply } from 'fastify';
import type { CommandContext } from '../../kernel/command-executor';
import { type GrantlineRequest, requestId, requestState } from '../request-state';

/** Metadata of the events a request's command appends. */
export function commandContext(request: GrantlineRequest): CommandContext {
  const state = requestState(request);
  if (state.principal === null) throw new Error('unauthenticated request reached a handler');
  const id = requestId(state);
  return { actor: state.principal.actor, correlationId: id, causationId: id };
}

export function actingOrg(request: GrantlineRequest): string {
  return requestState(request).actingOrg;
}

/** `x-grantline-position`: what a command appended, or what a read was served at. */
export function positionHeader(reply: FastifyReply, position: number): void {
  void reply.header('x-grantline-position', String(position));
}

export function servedAt(request: GrantlineRequest, reply: FastifyReply): number {
  const position = requestState(request).servedPosition;
  positionHeader(reply, position);
  return position;
}
