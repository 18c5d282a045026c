import type { AggregateType } from '../../kernel/aggregate';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import { type ProjectAction, actionSet } from '../actions';
import { GOLEM_STREAMS, type GolemPolicyEvent } from '../golem.events';
import { GolemError } from '../golem-error';

export interface GolemPolicyState {
  readonly exists: boolean;
}

/** A project policy (stream `golem.policy-<id>`): created once, never changed nor deleted. */
export const golemPolicyAggregate: AggregateType<GolemPolicyState, GolemPolicyEvent> = {
  type: GOLEM_STREAMS.policy,
  initialState: { exists: false },
  evolve(state: GolemPolicyState, event: RecordedEvent<GolemPolicyEvent>): GolemPolicyState {
    switch (event.type) {
      case 'golem.policy.created':
        return { ...state, exists: true };
      default:
        return assertNever(event.type);
    }
  },
};

export interface CreateGolemPolicy {
  readonly policyId: string;
  readonly name: string;
  readonly actions: readonly ProjectAction[];
  /** The grant an inline policy is made for; null for POST /v1/project-policies. */
  readonly inlineForGrantId: string | null;
}

export function decideCreatePolicy(command: CreateGolemPolicy, state: GolemPolicyState): readonly GolemPolicyEvent[] {
  if (state.exists) throw new GolemError('conflict', `Project policy \`${command.policyId}\` already exists`);
  return [
    {
      type: 'golem.policy.created',
      data: { policyId: command.policyId, name: command.name, actions: actionSet(command.actions), inlineForGrantId: command.inlineForGrantId },
    },
  ];
}
