import { at, fold, given, thenEvents, thenGolemError } from '../../../test/support/given';
import type { GolemAccountEvent } from '../golem.events';
import {
  ABANDONED_AFTER_MS,
  decideCreateAccount,
  decideEnsureBuiltInAdmin,
  decideReleaseProject,
  decideReserveProject,
  golemAccountAggregate,
} from './account.decider';

const ALICE = '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01';
const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';
const Q = '01980a3d-0f74-7d10-b020-7b4dae306c11';
const R = '01980a3d-0f74-7d10-b020-7b4dae306c12';
const PLAN = '00000000-0000-0000-0000-000000000000';

const created: GolemAccountEvent = {
  type: 'golem.account.created',
  data: { accountId: ALICE, name: 'Alice', email: 'alice@example.com', planId: PLAN, builtIn: false },
};
const reserved = (projectId: string): GolemAccountEvent => ({ type: 'golem.account.projectReserved', data: { accountId: ALICE, projectId } });
const released = (projectId: string, reason: 'deleted' | 'abandoned' = 'deleted'): GolemAccountEvent => ({
  type: 'golem.account.projectReleased',
  data: { accountId: ALICE, projectId, reason },
});

/** Decided at the first event's time: no reservation is old enough to count as abandoned. */
const FRESH = { now: at(1).getTime(), liveProjects: new Set<string>() };

const stateAfter = (events: readonly GolemAccountEvent[]) => fold(golemAccountAggregate, given(`golem.account-${ALICE}`, events, { resourceOwner: ALICE, actor: ALICE }));


describe('CreateAccount', () => {
  it('given no account, when created, then golem.account.created with the default plan and builtIn false', () => {
    thenEvents(() => decideCreateAccount({ accountId: ALICE, name: 'Alice', email: 'alice@example.com' }, stateAfter([])), [created]);
  });

  it('given the account exists, when created again, then a conflict', () => {
    thenGolemError(() => decideCreateAccount({ accountId: ALICE, name: 'Alice', email: 'a@b' }, stateAfter([created])), 'conflict', `Account \`${ALICE}\` already exists`);
  });

  it('when created, then it claims the exact e-mail, case and spaces kept, and releases nothing', () => {
    const event: GolemAccountEvent = { ...created, data: { ...created.data, email: 'Alice@Example.com' } } as GolemAccountEvent;
    expect(golemAccountAggregate.uniqueClaims?.(event, golemAccountAggregate.initialState, ALICE)).toEqual({
      claim: [{ kind: 'golem.email', value: 'Alice@Example.com' }],
      release: [],
    });
  });

  it('when a slot is reserved or released, then no unique key moves', () => {
    expect(golemAccountAggregate.uniqueClaims?.(reserved(P), stateAfter([created]), ALICE)).toEqual({ claim: [], release: [] });
    expect(golemAccountAggregate.uniqueClaims?.(released(P), stateAfter([created, reserved(P)]), ALICE)).toEqual({ claim: [], release: [] });
  });
});

describe('EnsureBuiltInAdmin', () => {
  it('given no admin, then the built-in admin account is created', () => {
    thenEvents(() => decideEnsureBuiltInAdmin(golemAccountAggregate.initialState), [
      { type: 'golem.account.created', data: { accountId: 'admin', name: 'Admin', email: 'admin@grantline.invalid', planId: PLAN, builtIn: true } },
    ]);
  });

  it('given the admin exists, then nothing is appended', () => {
    const admin = decideEnsureBuiltInAdmin(golemAccountAggregate.initialState);
    thenEvents(() => decideEnsureBuiltInAdmin(fold(golemAccountAggregate, given('golem.account-admin', admin, { resourceOwner: 'admin' }))), []);
  });
});

describe('ReserveProject (project limit, exact: limit N allows N live projects)', () => {
  it('given an account with 1 live project and limit 2, when reserving, then projectReserved', () => {
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: Q, limit: 2, ...FRESH }, stateAfter([created, reserved(P)])), [reserved(Q)]);
  });

  it('given 2 live projects and limit 2, when reserving a third, then the limit conflict with its exact text', () => {
    thenGolemError(
      () => decideReserveProject({ accountId: ALICE, projectId: R, limit: 2, ...FRESH }, stateAfter([created, reserved(P), reserved(Q)])),
      'conflict',
      'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 2)',
    );
  });

  it('given 2 reservations of which one was released, when reserving with limit 2, then it is granted (the slot was freed)', () => {
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: R, limit: 2, ...FRESH }, stateAfter([created, reserved(P), reserved(Q), released(Q)])), [reserved(R)]);
  });

  it('given an abandoned release, then that slot counts as free too', () => {
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: R, limit: 1, ...FRESH }, stateAfter([created, reserved(P), released(P, 'abandoned')])), [reserved(R)]);
  });

  it('given limit 1 and no project, when reserving, then granted; limit 0 always refuses', () => {
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: P, limit: 1, ...FRESH }, stateAfter([created])), [reserved(P)]);
    thenGolemError(() => decideReserveProject({ accountId: ALICE, projectId: P, limit: 0, ...FRESH }, stateAfter([created])), 'conflict', 'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 0)');
  });

  it('given the same project already reserved, when reserving it again, then nothing (a retry takes no second slot)', () => {
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: P, limit: 1, ...FRESH }, stateAfter([created, reserved(P)])), []);
  });

  it('given no account, when reserving, then "Access to account" (the owner must exist)', () => {
    thenGolemError(() => decideReserveProject({ accountId: ALICE, projectId: P, limit: 5, ...FRESH }, stateAfter([])), 'account_access', `Access to account \`${ALICE}\` is not allowed`);
  });
});

describe('ReserveProject at the limit, with a reservation whose create was interrupted (§6.5)', () => {
  // created at position 1, reserved(P) at position 2: P's reservation was committed at at(2).
  const interrupted = () => stateAfter([created, reserved(P)]);

  it('given P reserved 60 s ago and not live, when reserving Q with limit 1, then P is released as abandoned and Q reserved, in one decision', () => {
    const now = at(2).getTime() + ABANDONED_AFTER_MS;
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: Q, limit: 1, now, liveProjects: new Set() }, interrupted()), [released(P, 'abandoned'), reserved(Q)]);
  });

  it('given P reserved less than 60 s ago, then the limit still refuses (its create may be in flight)', () => {
    const now = at(2).getTime() + ABANDONED_AFTER_MS - 1;
    thenGolemError(
      () => decideReserveProject({ accountId: ALICE, projectId: Q, limit: 1, now, liveProjects: new Set() }, interrupted()),
      'conflict',
      'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 1)',
    );
  });

  it('given P is live, then its slot is held however old the reservation', () => {
    const now = at(2).getTime() + 10 * ABANDONED_AFTER_MS;
    thenGolemError(
      () => decideReserveProject({ accountId: ALICE, projectId: Q, limit: 1, now, liveProjects: new Set([P]) }, interrupted()),
      'conflict',
      'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 1)',
    );
  });

  it('given room below the limit, then an old reservation is left to the slots reactor', () => {
    const now = at(2).getTime() + ABANDONED_AFTER_MS;
    thenEvents(() => decideReserveProject({ accountId: ALICE, projectId: Q, limit: 2, now, liveProjects: new Set() }, interrupted()), [reserved(Q)]);
  });
});

describe('ReleaseProject', () => {
  it('given a reserved slot, when released (deleted), then projectReleased', () => {
    thenEvents(() => decideReleaseProject({ accountId: ALICE, projectId: P, reason: 'deleted' }, stateAfter([created, reserved(P)])), [released(P)]);
  });

  it('given the slot was already released, when released again, then nothing (handler and reactor may both try)', () => {
    thenEvents(() => decideReleaseProject({ accountId: ALICE, projectId: P, reason: 'deleted' }, stateAfter([created, reserved(P), released(P)])), []);
  });

  it('given no reservation for the project, when released, then nothing', () => {
    thenEvents(() => decideReleaseProject({ accountId: ALICE, projectId: Q, reason: 'abandoned' }, stateAfter([created, reserved(P)])), []);
  });
});
