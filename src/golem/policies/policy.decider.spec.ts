import { fold, given, thenEvents } from '../../../test/support/given';
import type { GolemPolicyEvent } from '../golem.events';
import { GolemError } from '../golem-error';
import { decideCreatePolicy, golemPolicyAggregate } from './policy.decider';

const CAROL = '01980a3c-9f74-7c63-9f20-7b4d0e3f6c03';
const X = '01980a3d-2a85-7e30-b031-8c5ebf417d30';
const G = '01980a3d-3b96-7f40-8142-9d6fc0528e40';

describe('CreatePolicy', () => {
  it('given no policy, when created with duplicates out of order, then golem.policy.created with a set in vocabulary order', () => {
    thenEvents(
      () => decideCreatePolicy({ policyId: X, name: 'viewers', actions: ['ViewProjectGrants', 'ViewComponent', 'ViewComponent'], inlineForGrantId: null }, golemPolicyAggregate.initialState),
      [{ type: 'golem.policy.created', data: { policyId: X, name: 'viewers', actions: ['ViewComponent', 'ViewProjectGrants'], inlineForGrantId: null } }],
    );
  });

  it('given no policy, when created inline with no name and no action, then the grant id is recorded', () => {
    thenEvents(
      () => decideCreatePolicy({ policyId: X, name: '', actions: [], inlineForGrantId: G }, golemPolicyAggregate.initialState),
      [{ type: 'golem.policy.created', data: { policyId: X, name: '', actions: [], inlineForGrantId: G } }],
    );
  });

  it('given the policy exists, when created again, then a conflict (policies are immutable)', () => {
    const events: GolemPolicyEvent[] = [{ type: 'golem.policy.created', data: { policyId: X, name: '', actions: [], inlineForGrantId: null } }];
    const state = fold(golemPolicyAggregate, given(`golem.policy-${X}`, events, { resourceOwner: CAROL }));
    expect(() => decideCreatePolicy({ policyId: X, name: 'again', actions: [], inlineForGrantId: null }, state)).toThrow(
      new GolemError('conflict', `Project policy \`${X}\` already exists`),
    );
  });
});
