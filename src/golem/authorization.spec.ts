import { thenGolemError } from '../../test/support/given';
import { PROJECT_ACTIONS, type ProjectAction } from './actions';
import { type ProjectAccessFacts, allows, authorize, checkAdmin, checkSelfOrAdmin, checkViewAccount, effectiveActions } from './authorization';
import type { Caller } from './golem.application';

const ALICE = '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01';
const BOB = '01980a3c-8e63-7b52-8e1f-6a3c9d2f5b02';
const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';
const Z = '01980a3d-ffff-7fff-bfff-ffffffffffff';
const X = 'policy-x';
const Y = 'policy-y';

const alice: Caller = { accountId: ALICE, isAdmin: false };
const bob: Caller = { accountId: BOB, isAdmin: false };
const admin: Caller = { accountId: 'admin', isAdmin: true };
const project = { id: P, ownerAccountId: ALICE };

/** Given P owned by alice, and bob holding grants with these policies. */
function facts(...policies: (readonly ProjectAction[])[]): ProjectAccessFacts {
  const ids = policies.map((_, index) => `policy-${index}`);
  return {
    project,
    grants: ids.map((policyId) => ({ projectId: P, granteeAccountId: BOB, policyId })),
    policies: ids.map((id, index) => ({ id, actions: policies[index] ?? [] })),
  };
}
const noProject: ProjectAccessFacts = { project: null, grants: [], policies: [] };


describe('effective actions (§5.2)', () => {
  it('given the owner or Admin, then all 30 in vocabulary order', () => {
    expect(effectiveActions(alice, P, facts())).toEqual([...PROJECT_ACTIONS]);
    expect(effectiveActions(admin, P, facts())).toEqual([...PROJECT_ACTIONS]);
  });

  it('given a grantee with two grants, then the union of their policies, deduplicated, vocabulary order', () => {
    expect(effectiveActions(bob, P, facts(['ViewProjectGrants', 'ViewComponent'], ['DeleteProject', 'ViewComponent']))).toEqual([
      'ViewComponent',
      'ViewProjectGrants',
      'DeleteProject',
    ]);
  });

  it('given a grantee whose grants all carry empty policies, then access with the empty set', () => {
    expect(effectiveActions(bob, P, facts([]))).toEqual([]);
  });

  it('given a caller with no grant, then "Access to project" (as for a missing project)', () => {
    thenGolemError(() => effectiveActions(bob, P, facts()), 'project_access', `Access to project \`${P}\` is not allowed`);
  });

  it('given no live project, then "Access to project" even for Admin', () => {
    thenGolemError(() => effectiveActions(admin, Z, noProject), 'project_access', `Access to project \`${Z}\` is not allowed`);
  });

  it("given grants of someone else or on another project among the facts, then they do not count", () => {
    const foreign: ProjectAccessFacts = {
      project,
      grants: [
        { projectId: P, granteeAccountId: ALICE, policyId: X },
        { projectId: Z, granteeAccountId: BOB, policyId: Y },
      ],
      policies: [
        { id: X, actions: ['DeleteProject'] },
        { id: Y, actions: ['DeleteProject'] },
      ],
    };
    thenGolemError(() => effectiveActions(bob, P, foreign), 'project_access', `Access to project \`${P}\` is not allowed`);
  });
});

describe('authorize (§5.3)', () => {
  it('given a grantee with the action, then the project is returned', () => {
    expect(authorize(bob, P, 'ViewProjectGrants', facts(['ViewProjectGrants']))).toEqual(project);
  });

  it('given a grantee without the action, then "Action `A` is not allowed on project"', () => {
    thenGolemError(() => authorize(bob, P, 'DeleteProject', facts(['ViewComponent'])), 'project_action', `Action \`DeleteProject\` is not allowed on project \`${P}\``);
  });

  it('given a grantee with only empty policies, then ViewProject is refused (E is empty)', () => {
    thenGolemError(() => authorize(bob, P, 'ViewProject', facts([])), 'project_action', `Action \`ViewProject\` is not allowed on project \`${P}\``);
  });

  it('given any non-empty set, then ViewProject is implied', () => {
    expect(authorize(bob, P, 'ViewProject', facts(['ViewWorker']))).toEqual(project);
  });

  it('given no access, then the access failure propagates unchanged', () => {
    thenGolemError(() => authorize(bob, P, 'ViewProject', facts()), 'project_access', `Access to project \`${P}\` is not allowed`);
  });

  it('BatchUpdatePluginInstallations needs Create, Update and Delete PluginInstallation', () => {
    expect(allows(['CreatePluginInstallation', 'UpdatePluginInstallation', 'DeletePluginInstallation'], 'BatchUpdatePluginInstallations')).toBe(true);
    expect(allows(['CreatePluginInstallation', 'UpdatePluginInstallation'], 'BatchUpdatePluginInstallations')).toBe(false);
    expect(allows([...PROJECT_ACTIONS], 'BatchUpdatePluginInstallations')).toBe(true);
  });
});

describe('account checks (§5.4)', () => {
  it('CreateAccount: Admin passes, anyone else gets "Action is only allowed for [Admin]"', () => {
    expect(() => checkAdmin(admin)).not.toThrow();
    thenGolemError(() => checkAdmin(alice), 'admin_only', 'Action is only allowed for [Admin]');
  });

  it('self or Admin: the target must exist first, even for Admin', () => {
    thenGolemError(() => checkSelfOrAdmin(admin, 'nobody', false), 'account_access', 'Access to account `nobody` is not allowed');
  });

  it('self or Admin: self and Admin pass, another account gets admin_only', () => {
    expect(() => checkSelfOrAdmin(alice, ALICE, true)).not.toThrow();
    expect(() => checkSelfOrAdmin(admin, ALICE, true)).not.toThrow();
    thenGolemError(() => checkSelfOrAdmin(alice, BOB, true), 'admin_only', 'Action is only allowed for [Admin]');
  });

  it('ViewAccount: self, Admin, and a grantee looking at the owner see the account', () => {
    const account = { id: ALICE };
    expect(checkViewAccount(alice, ALICE, account, false)).toBe(account);
    expect(checkViewAccount(admin, ALICE, account, false)).toBe(account);
    expect(checkViewAccount(bob, ALICE, account, true)).toBe(account);
  });

  it('ViewAccount: unknown and invisible accounts get the same answer', () => {
    thenGolemError(() => checkViewAccount(alice, BOB, { id: BOB }, false), 'account_access', `Access to account \`${BOB}\` is not allowed`);
    thenGolemError(() => checkViewAccount(admin, 'nobody', null, false), 'account_access', 'Access to account `nobody` is not allowed');
  });
});
