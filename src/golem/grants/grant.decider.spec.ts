import { fold, given, thenEvents, thenGolemError } from '../../../test/support/given';
import type { GolemGrantEvent } from '../golem.events';
import { checkGrantee, checkPolicy, chooseGrantee, decideCreateGrant, decideDeleteGrant, golemGrantAggregate } from './grant.decider';

const ALICE = '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01';
const BOB = '01980a3c-8e63-7b52-8e1f-6a3c9d2f5b02';
const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';
const Q = '01980a3d-0f74-7d10-b020-7b4dae306c11';
const X = '01980a3d-2a85-7e30-b031-8c5ebf417d30';
const G = '01980a3d-3b96-7f40-8142-9d6fc0528e40';

const create = { grantId: G, projectId: P, granteeAccountId: BOB, policyId: X };
const created: GolemGrantEvent = { type: 'golem.grant.created', data: create };
const deletedFor = (reason: 'requested' | 'projectDeleted'): GolemGrantEvent => ({
  type: 'golem.grant.deleted',
  data: { grantId: G, projectId: P, granteeAccountId: BOB, policyId: X, reason },
});
// The grant's events belong to the project owner (§6.3).
const stateAfter = (events: readonly GolemGrantEvent[]) => fold(golemGrantAggregate, given(`golem.grant-${G}`, events, { resourceOwner: ALICE, actor: ALICE }));


describe('choosing and checking the grantee (§3.5 steps 2–3)', () => {
  it('given both an id and an e-mail, then the id wins and the e-mail is not used', () => {
    expect(chooseGrantee({ granteeAccountId: BOB, granteeEmail: 'nobody@example.com' })).toEqual({ by: 'id', accountId: BOB });
  });

  it('given only an e-mail, then the e-mail is looked up', () => {
    expect(chooseGrantee({ granteeEmail: 'carol@example.com' })).toEqual({ by: 'email', email: 'carol@example.com' });
  });

  it('given neither, then 400 "Account id or email need to be provided"', () => {
    thenGolemError(() => chooseGrantee({}), 'bad_request', 'Account id or email need to be provided');
  });

  it('given an id that names no account, then 400 "Account Not Found: <id>" echoed as given', () => {
    thenGolemError(() => checkGrantee({ by: 'id', accountId: 'Nobody' }, null), 'bad_request', 'Account Not Found: Nobody');
  });

  it('given an e-mail no account has, then 404 "No matching account found"', () => {
    thenGolemError(() => checkGrantee({ by: 'email', email: 'nobody@example.com' }, null), 'not_found', 'No matching account found');
  });

  it('given a found account, then its id is the grantee', () => {
    expect(checkGrantee({ by: 'email', email: 'bob@example.com' }, { id: BOB })).toBe(BOB);
  });
});

describe('checking a named policy (§3.5 step 4)', () => {
  it('given a policy id that names no policy, then 400 "Project Policy Not Found: <id>"', () => {
    thenGolemError(() => checkPolicy(X, false), 'bad_request', `Project Policy Not Found: ${X}`);
  });

  it('given an existing policy or none named, then it passes', () => {
    expect(() => checkPolicy(X, true)).not.toThrow();
    expect(() => checkPolicy(undefined, false)).not.toThrow();
  });
});

describe('CreateGrant', () => {
  it('given no grant, when created, then golem.grant.created', () => {
    thenEvents(() => decideCreateGrant(create, stateAfter([])), [created]);
  });

  it('given the grant exists, when created again, then a conflict', () => {
    thenGolemError(() => decideCreateGrant(create, stateAfter([created])), 'conflict', `Project grant \`${G}\` already exists`);
  });

  it('given golem.grant.created, then the state is live with the owner from the metadata', () => {
    expect(stateAfter([created])).toEqual({ status: 'live', owner: ALICE, projectId: P, granteeAccountId: BOB, policyId: X });
  });
});

describe('DeleteGrant', () => {
  it('given a live grant of the project, when deleted on request, then golem.grant.deleted repeating what it granted', () => {
    thenEvents(() => decideDeleteGrant({ grantId: G, projectId: P, reason: 'requested' }, stateAfter([created])), [deletedFor('requested')]);
  });

  it('given a live grant, when the cascade deletes it, then reason projectDeleted', () => {
    thenEvents(() => decideDeleteGrant({ grantId: G, projectId: P, reason: 'projectDeleted' }, stateAfter([created])), [deletedFor('projectDeleted')]);
  });

  it.each([
    ['an unknown grant', [] as GolemGrantEvent[], P],
    ['an already deleted grant', [created, deletedFor('requested')], P],
    ['a grant of another project', [created], Q],
  ])('given %s, when deleted, then nothing is appended and no error', (_, history, projectId) => {
    thenEvents(() => decideDeleteGrant({ grantId: G, projectId, reason: 'requested' }, stateAfter(history)), []);
  });
});
