import type { AggregateType } from '../../kernel/aggregate';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import { GOLEM_STREAMS, type GolemTokenEvent } from '../golem.events';
import { GolemError } from '../golem-error';

export interface GolemTokenState {
  readonly status: 'absent' | 'live' | 'deleted';
  readonly accountId: string;
}

export const unknownToken = (tokenId: string) => new GolemError('not_found', `Unknown token: ${tokenId}`);

/** An API token (stream `golem.token-<id>`); only the secret's hash is ever stored. */
export const golemTokenAggregate: AggregateType<GolemTokenState, GolemTokenEvent> = {
  type: GOLEM_STREAMS.token,
  initialState: { status: 'absent', accountId: '' },
  evolve(state: GolemTokenState, event: RecordedEvent<GolemTokenEvent>): GolemTokenState {
    switch (event.type) {
      case 'golem.token.created':
        return { status: 'live', accountId: event.data.accountId };
      case 'golem.token.deleted':
        return { ...state, status: 'deleted' };
      default:
        return assertNever(event);
    }
  },
};

export interface CreateGolemToken {
  readonly tokenId: string;
  readonly accountId: string;
  /** SHA-256 hex of the lower-case secret, computed by the caller (the secret never reaches an event). */
  readonly secretSha256: string;
  /** RFC 3339 UTC with milliseconds. */
  readonly createdAt: string;
  readonly expiresAt: string;
}

export function decideCreateToken(command: CreateGolemToken, state: GolemTokenState): readonly GolemTokenEvent[] {
  if (state.status !== 'absent') throw new GolemError('conflict', `Token \`${command.tokenId}\` already exists`);
  return [{ type: 'golem.token.created', data: { ...command } }];
}

export interface DeleteGolemToken {
  readonly tokenId: string;
  /** The path's account: a token of another account is as unknown as a missing one (§7.6). */
  readonly accountId: string;
}

export function decideDeleteToken(command: DeleteGolemToken, state: GolemTokenState): readonly GolemTokenEvent[] {
  if (state.status !== 'live' || state.accountId !== command.accountId) throw unknownToken(command.tokenId);
  return [{ type: 'golem.token.deleted', data: { tokenId: command.tokenId, accountId: command.accountId } }];
}
