import { History, at } from '../../../test/support/given';
import { MemoryView, project } from '../../../test/support/memory-view';
import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import { GOLEM_EVENT_TYPES, type GolemEvent } from '../golem.events';
import { GOLEM_ACCOUNTS, GOLEM_GRANTS, GOLEM_POLICIES, GOLEM_PROJECTS, GOLEM_TOKENS, golemProjection } from './golem.projection';

const A = 'account-a';
const B = 'account-b';
const P = 'project-p';
const Q = 'project-q';
const iso = (position: number) => at(position).toISOString();
const COLLECTIONS = [GOLEM_ACCOUNTS, GOLEM_TOKENS, GOLEM_PROJECTS, GOLEM_POLICIES, GOLEM_GRANTS];

const accountCreated = (accountId: string, email: string, builtIn = false): GolemEvent => ({
  type: 'golem.account.created',
  data: { accountId, name: `Name of ${accountId}`, email, planId: '00000000-0000-0000-0000-000000000000', builtIn },
});
const projectReserved = (accountId: string, projectId: string): GolemEvent => ({ type: 'golem.account.projectReserved', data: { accountId, projectId } });
const projectReleased = (accountId: string, projectId: string): GolemEvent => ({
  type: 'golem.account.projectReleased',
  data: { accountId, projectId, reason: 'deleted' },
});
const tokenCreated = (tokenId: string, accountId: string): GolemEvent => ({
  type: 'golem.token.created',
  data: { tokenId, accountId, secretSha256: `sha-of-${tokenId}`, createdAt: '2025-07-10T09:30:12.345Z', expiresAt: '2100-01-01T00:00:00.000Z' },
});
const tokenDeleted = (tokenId: string, accountId: string): GolemEvent => ({ type: 'golem.token.deleted', data: { tokenId, accountId } });
const projectCreated = (projectId: string, ownerAccountId: string, name = 'shop'): GolemEvent => ({
  type: 'golem.project.created',
  data: { projectId, ownerAccountId, name, description: 'Web shop', defaultEnvironmentId: 'default', projectType: 'NonDefault' },
});
const projectDeleted = (projectId: string, ownerAccountId: string): GolemEvent => ({ type: 'golem.project.deleted', data: { projectId, ownerAccountId } });
const policyCreated = (policyId: string, actions: readonly string[], inlineForGrantId: string | null = null): GolemEvent => ({
  type: 'golem.policy.created',
  data: { policyId, name: `policy ${policyId}`, actions, inlineForGrantId },
});
const grantCreated = (grantId: string, projectId: string, granteeAccountId: string, policyId: string): GolemEvent => ({
  type: 'golem.grant.created',
  data: { grantId, projectId, granteeAccountId, policyId },
});
const grantDeleted = (
  grantId: string,
  projectId: string,
  granteeAccountId: string,
  policyId: string,
  reason: 'requested' | 'projectDeleted' = 'requested',
): GolemEvent => ({ type: 'golem.grant.deleted', data: { grantId, projectId, granteeAccountId, policyId, reason } });

/** Accounts A (1) and B (2), A's project P (3–4, with its slot reserved first). */
function setup(): History {
  const history = new History();
  history.record(`golem.account-${A}`, accountCreated(A, 'alice@example.com'), { resourceOwner: A });
  history.record(`golem.account-${B}`, accountCreated(B, 'bob@example.com'), { resourceOwner: B });
  history.record(`golem.account-${A}`, projectReserved(A, P), { resourceOwner: A });
  history.record(`golem.project-${P}`, projectCreated(P, A), { resourceOwner: A });
  return history;
}

function snapshot(view: MemoryView): Record<string, Doc[]> {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, view.docs(name)]));
}

describe('golem projection', () => {
  it('declares name golem, version 1, the five collections with their indexes, and every golem event type but the slot bookkeeping', () => {
    expect({ name: golemProjection.name, version: golemProjection.version }).toEqual({ name: 'golem', version: 1 });
    expect([...golemProjection.handles].sort()).toEqual(
      GOLEM_EVENT_TYPES.filter((type) => type !== 'golem.account.projectReserved' && type !== 'golem.account.projectReleased').sort(),
    );
    expect(golemProjection.collections).toEqual([
      { name: 'accounts', indexes: [{ fields: ['email'] }] },
      { name: 'tokens', indexes: [{ fields: ['secretSha256'] }, { fields: ['accountId', 'createdPosition'] }] },
      { name: 'projects', indexes: [{ fields: ['ownerAccountId', 'createdPosition'] }, { fields: ['createdPosition'] }, { fields: ['name', 'createdPosition'] }] },
      { name: 'policies', indexes: [] },
      { name: 'grants', indexes: [{ fields: ['projectId', 'createdPosition'] }, { fields: ['granteeAccountId', 'projectId'] }] },
    ]);
  });

  it('given accounts created (the built-in admin among them), then each has its document with the platform details', async () => {
    const history = new History();
    history.record('golem.account-admin', accountCreated('admin', 'admin@grantline.invalid', true), { resourceOwner: 'admin' });
    history.record(`golem.account-${A}`, accountCreated(A, 'alice@example.com'), { resourceOwner: A, actor: 'admin' });

    const view = await project(golemProjection, history.events);

    expect(view.docs(GOLEM_ACCOUNTS)).toEqual([
      {
        id: 'admin',
        sequence: 1,
        creationDate: iso(1),
        changeDate: iso(1),
        resourceOwner: 'admin',
        createdPosition: 1,
        name: 'Name of admin',
        email: 'admin@grantline.invalid',
        planId: '00000000-0000-0000-0000-000000000000',
      },
      {
        id: A,
        sequence: 1,
        creationDate: iso(2),
        changeDate: iso(2),
        resourceOwner: A,
        createdPosition: 2,
        name: `Name of ${A}`,
        email: 'alice@example.com',
        planId: '00000000-0000-0000-0000-000000000000',
      },
    ]);
  });

  it('given a project slot reserved and released on the account stream, then the account document keeps the details of its creation', async () => {
    const history = setup();
    history.record(`golem.project-${P}`, projectDeleted(P, A), { resourceOwner: A });
    history.record(`golem.account-${A}`, projectReleased(A, P), { resourceOwner: A });

    const view = new MemoryView();
    // Even delivered by hand, the slot events write nothing.
    for (const event of history.events) await golemProjection.apply(event, view);

    expect(await view.get(GOLEM_ACCOUNTS, A)).toMatchObject({ sequence: 1, changeDate: iso(1), createdPosition: 1 });
    expect(view.docs(GOLEM_PROJECTS)).toEqual([]);
  });

  it('given a token created, then its document holds the hash and the instants, never a secret', async () => {
    const history = setup();
    history.record(`golem.token-t1`, tokenCreated('t1', A), { resourceOwner: A }); // 5

    const view = await project(golemProjection, history.events);

    expect(view.docs(GOLEM_TOKENS)).toEqual([
      {
        id: 't1',
        sequence: 1,
        creationDate: iso(5),
        changeDate: iso(5),
        resourceOwner: A,
        createdPosition: 5,
        accountId: A,
        secretSha256: 'sha-of-t1',
        createdAt: '2025-07-10T09:30:12.345Z',
        expiresAt: '2100-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('given two tokens and one deleted, then only the other remains', async () => {
    const history = setup();
    history.record(`golem.token-t1`, tokenCreated('t1', A), { resourceOwner: A });
    history.record(`golem.token-t2`, tokenCreated('t2', A), { resourceOwner: A });
    history.record(`golem.token-t1`, tokenDeleted('t1', A), { resourceOwner: A });

    const view = await project(golemProjection, history.events);

    expect(view.docs(GOLEM_TOKENS).map((doc) => doc.id)).toEqual(['t2']);
  });

  it('given a project created, then its document holds owner, name, description and the fixed Golem fields', async () => {
    const view = await project(golemProjection, setup().events);

    expect(view.docs(GOLEM_PROJECTS)).toEqual([
      {
        id: P,
        sequence: 1,
        creationDate: iso(4),
        changeDate: iso(4),
        resourceOwner: A,
        createdPosition: 4,
        ownerAccountId: A,
        name: 'shop',
        description: 'Web shop',
        defaultEnvironmentId: 'default',
        projectType: 'NonDefault',
      },
    ]);
  });

  it('given a project deleted, then its document is gone while its grants stay for the cascade to delete', async () => {
    const history = setup();
    history.record(`golem.project-${Q}`, projectCreated(Q, A, 'other'), { resourceOwner: A });
    history.record('golem.policy-pol', policyCreated('pol', ['ViewWorker']), { resourceOwner: A });
    history.record('golem.grant-g1', grantCreated('g1', P, B, 'pol'), { resourceOwner: A });
    history.record(`golem.project-${P}`, projectDeleted(P, A), { resourceOwner: A });
    const deleted = snapshot(await project(golemProjection, history.events));
    history.record('golem.grant-g1', grantDeleted('g1', P, B, 'pol', 'projectDeleted'), { resourceOwner: A });
    const cascaded = snapshot(await project(golemProjection, history.events));

    expect(deleted[GOLEM_PROJECTS]?.map((doc) => doc.id)).toEqual([Q]);
    expect(deleted[GOLEM_GRANTS]).toEqual([expect.objectContaining({ id: 'g1', projectId: P })]);
    expect(cascaded[GOLEM_GRANTS]).toEqual([]);
    expect(cascaded[GOLEM_POLICIES]).toEqual([expect.objectContaining({ id: 'pol' })]);
  });

  it('given a policy created with actions out of order, then its document holds them in vocabulary order, owned by the creating caller', async () => {
    const history = setup();
    history.record('golem.policy-pol', policyCreated('pol', ['ViewProjectGrants', 'ViewComponent', 'DeletePluginDefinition']), { resourceOwner: B }); // 5

    const view = await project(golemProjection, history.events);

    expect(view.docs(GOLEM_POLICIES)).toEqual([
      {
        id: 'pol',
        sequence: 1,
        creationDate: iso(5),
        changeDate: iso(5),
        resourceOwner: B,
        createdPosition: 5,
        name: 'policy pol',
        actions: ['ViewComponent', 'ViewProjectGrants', 'DeletePluginDefinition'],
      },
    ]);
  });

  it('given an empty inline policy, then its document has no actions', async () => {
    const history = setup();
    history.record('golem.policy-pol', policyCreated('pol', [], 'g1'), { resourceOwner: A });

    const view = await project(golemProjection, history.events);

    expect(await view.get(GOLEM_POLICIES, 'pol')).toMatchObject({ actions: [] });
  });

  it('given a grant created, then its document names project, grantee and policy with the owner as resource owner', async () => {
    const history = setup();
    history.record('golem.policy-pol', policyCreated('pol', ['ViewWorker'], 'g1'), { resourceOwner: A }); // 5
    history.record('golem.grant-g1', grantCreated('g1', P, B, 'pol'), { resourceOwner: A }); // 6

    const view = await project(golemProjection, history.events);

    expect(view.docs(GOLEM_GRANTS)).toEqual([
      {
        id: 'g1',
        sequence: 1,
        creationDate: iso(6),
        changeDate: iso(6),
        resourceOwner: A,
        createdPosition: 6,
        projectId: P,
        granteeAccountId: B,
        policyId: 'pol',
      },
    ]);
  });

  it('given two grants and one deleted, then the other stays untouched', async () => {
    const history = setup();
    history.record('golem.grant-g1', grantCreated('g1', P, B, 'pol'), { resourceOwner: A }); // 5
    history.record('golem.grant-g2', grantCreated('g2', P, B, 'pol'), { resourceOwner: A }); // 6
    history.record('golem.grant-g1', grantDeleted('g1', P, B, 'pol'), { resourceOwner: A });

    const view = await project(golemProjection, history.events);

    expect(view.docs(GOLEM_GRANTS)).toEqual([expect.objectContaining({ id: 'g2', sequence: 1, createdPosition: 6 })]);
  });

  it('given deletions of objects that have no document, then nothing is written and nothing fails', async () => {
    const history = new History();
    history.record('golem.token-ghost', tokenDeleted('ghost', A), { resourceOwner: A });
    history.record('golem.project-ghost', projectDeleted('ghost', A), { resourceOwner: A });
    history.record('golem.grant-ghost', grantDeleted('ghost', P, B, 'pol'), { resourceOwner: A });

    const view = await project(golemProjection, history.events);

    expect(snapshot(view)).toEqual(Object.fromEntries(COLLECTIONS.map((name) => [name, []])));
  });
});

describe('golem projection: replay', () => {
  /** Every kind of event, with objects that survive and objects that are deleted. */
  function everything(): readonly RecordedEvent[] {
    const history = setup();
    history.record('golem.token-t1', tokenCreated('t1', A), { resourceOwner: A });
    history.record('golem.token-t2', tokenCreated('t2', B), { resourceOwner: B });
    history.record('golem.token-t1', tokenDeleted('t1', A), { resourceOwner: A });
    history.record(`golem.account-${A}`, projectReserved(A, Q), { resourceOwner: A });
    history.record(`golem.project-${Q}`, projectCreated(Q, A, 'other'), { resourceOwner: A });
    history.record('golem.policy-pol', policyCreated('pol', ['ViewWorker', 'ViewComponent']), { resourceOwner: B });
    history.record('golem.grant-g1', grantCreated('g1', P, B, 'pol'), { resourceOwner: A });
    history.record('golem.grant-g2', grantCreated('g2', Q, B, 'pol'), { resourceOwner: A });
    history.record('golem.grant-g1', grantDeleted('g1', P, B, 'pol'), { resourceOwner: A });
    history.record(`golem.project-${Q}`, projectDeleted(Q, A), { resourceOwner: A });
    history.record(`golem.account-${A}`, projectReleased(A, Q), { resourceOwner: A });
    return history.events;
  }

  it('given every event applied twice in a row, then the documents equal those of one pass', async () => {
    const events = everything();
    const once = await project(golemProjection, events);
    const twice = await project(golemProjection, events.flatMap((event) => [event, event]));

    expect(snapshot(twice)).toEqual(snapshot(once));
    expect(snapshot(once)[GOLEM_PROJECTS]).toHaveLength(1);
    expect(snapshot(once)[GOLEM_TOKENS]).toHaveLength(1);
    expect(snapshot(once)[GOLEM_GRANTS]).toHaveLength(1);
  });

  it('given the whole log replayed over its own result, then the documents are unchanged', async () => {
    const events = everything();
    const once = await project(golemProjection, events);
    const replayed = await project(golemProjection, events, await project(golemProjection, events));

    expect(snapshot(replayed)).toEqual(snapshot(once));
  });
});
