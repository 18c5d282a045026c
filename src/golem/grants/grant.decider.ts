import type { AggregateType } from '../../kernel/aggregate';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import { GOLEM_STREAMS, type GolemGrantEvent } from '../golem.events';
import { GolemError } from '../golem-error';

export interface GolemGrantState {
  readonly status: 'absent' | 'live' | 'deleted';
  /** The project owner, stamped as resourceOwner on the grant's events. */
  readonly owner: string;
  readonly projectId: string;
  readonly granteeAccountId: string;
  readonly policyId: string;
}

/** A project grant (stream `golem.grant-<id>`): one grantee, one policy, one project. */
export const golemGrantAggregate: AggregateType<GolemGrantState, GolemGrantEvent> = {
  type: GOLEM_STREAMS.grant,
  initialState: { status: 'absent', owner: '', projectId: '', granteeAccountId: '', policyId: '' },
  evolve(state: GolemGrantState, event: RecordedEvent<GolemGrantEvent>): GolemGrantState {
    switch (event.type) {
      case 'golem.grant.created':
        return {
          status: 'live',
          owner: event.metadata.resourceOwner,
          projectId: event.data.projectId,
          granteeAccountId: event.data.granteeAccountId,
          policyId: event.data.policyId,
        };
      case 'golem.grant.deleted':
        return { ...state, status: 'deleted' };
      default:
        return assertNever(event);
    }
  },
};

export const grantNotFound = () => new GolemError('not_found', 'Project grant not found');

/** Who the grant is for, as the request names it (§3.5 step 2). */
export type GranteeChoice = { readonly by: 'id'; readonly accountId: string } | { readonly by: 'email'; readonly email: string };

/** The id wins, and the e-mail is then not even looked up (scenario 26). */
export function chooseGrantee(input: { readonly granteeAccountId?: string; readonly granteeEmail?: string }): GranteeChoice {
  if (input.granteeAccountId !== undefined) return { by: 'id', accountId: input.granteeAccountId };
  if (input.granteeEmail !== undefined) return { by: 'email', email: input.granteeEmail };
  throw new GolemError('bad_request', 'Account id or email need to be provided');
}

/** §3.5 step 3: the grantee's account id, given what the choice found (null: no such account). */
export function checkGrantee(choice: GranteeChoice, found: { readonly id: string } | null): string {
  if (found !== null) return found.id;
  throw choice.by === 'email'
    ? new GolemError('not_found', 'No matching account found')
    : new GolemError('bad_request', `Account Not Found: ${choice.accountId}`);
}

/** §3.5 step 4: a named policy must exist; an absent one is made inline after all checks. */
export function checkPolicy(policyId: string | undefined, found: boolean): void {
  if (policyId !== undefined && !found) throw new GolemError('bad_request', `Project Policy Not Found: ${policyId}`);
}

export interface CreateGolemGrant {
  readonly grantId: string;
  readonly projectId: string;
  readonly granteeAccountId: string;
  readonly policyId: string;
}

export function decideCreateGrant(command: CreateGolemGrant, state: GolemGrantState): readonly GolemGrantEvent[] {
  if (state.status !== 'absent') throw new GolemError('conflict', `Project grant \`${command.grantId}\` already exists`);
  return [{ type: 'golem.grant.created', data: { ...command } }];
}

export interface DeleteGolemGrant {
  readonly grantId: string;
  /** The project the request (or the cascade) names: a grant of another project is left alone. */
  readonly projectId: string;
  readonly reason: 'requested' | 'projectDeleted';
}

/**
 * Unknown, already deleted and foreign grants append nothing and are no error (§3.5): a DELETE
 * answers 200 either way, and a replayed cascade finds the grant already gone.
 */
export function decideDeleteGrant(command: DeleteGolemGrant, state: GolemGrantState): readonly GolemGrantEvent[] {
  if (state.status !== 'live' || state.projectId !== command.projectId) return [];
  return [
    {
      type: 'golem.grant.deleted',
      data: {
        grantId: command.grantId,
        projectId: state.projectId,
        granteeAccountId: state.granteeAccountId,
        policyId: state.policyId,
        reason: command.reason,
      },
    },
  ];
}
