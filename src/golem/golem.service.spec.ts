import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import type { UniqueKey } from '../kernel/aggregate';
import { CommandExecutor } from '../kernel/command-executor';
import { DomainError } from '../kernel/domain-error';
import type { RecordedEvent } from '../kernel/event';
import { ABANDONED_AFTER_MS, GOLEM_EMAIL_KEY, decideReserveProject, emailTaken, golemAccountAggregate } from './accounts/account.decider';
import { ensureGolemAdmin } from './bootstrap';
import type { Caller, GolemRequest } from './golem.application';
import type { GolemEvent } from './golem.events';
import { GolemError } from './golem-error';
import { GolemService } from './golem.service';
import type { AccountDoc, GolemReadModel, GrantDoc, PolicyDoc, ProjectDoc, TokenDoc } from './read-model/golem-read-model';

/**
 * The use cases end to end on the embedded event store. The read model is a stand-in that folds
 * the whole log on every call: always fresh, as the edge guarantees (§1.6), and independent of
 * the real projection, which has its own tests.
 */

const NOW = new Date('2025-07-10T09:30:12.345Z');
const DETAILS = { sequence: 1, creationDate: '', changeDate: '', resourceOwner: '' };

class LogReadModel implements GolemReadModel {
  constructor(private readonly store: SqliteEventStore) {}

  private async state() {
    const accounts = new Map<string, AccountDoc>();
    const tokens = new Map<string, TokenDoc>();
    const projects = new Map<string, ProjectDoc>();
    const policies = new Map<string, PolicyDoc>();
    const grants = new Map<string, GrantDoc>();
    for (const recorded of await this.store.readAll()) {
      const event = recorded as RecordedEvent<GolemEvent>;
      const details = { ...DETAILS, createdPosition: event.position };
      switch (event.type) {
        case 'golem.account.created':
          accounts.set(event.data.accountId, { id: event.data.accountId, ...details, name: event.data.name, email: event.data.email, planId: event.data.planId });
          break;
        case 'golem.token.created':
          tokens.set(event.data.tokenId, { id: event.data.tokenId, ...details, ...event.data });
          break;
        case 'golem.token.deleted':
          tokens.delete(event.data.tokenId);
          break;
        case 'golem.project.created':
          projects.set(event.data.projectId, { id: event.data.projectId, ...details, ...event.data });
          break;
        case 'golem.project.deleted':
          projects.delete(event.data.projectId);
          break;
        case 'golem.policy.created':
          policies.set(event.data.policyId, { id: event.data.policyId, ...details, name: event.data.name, actions: event.data.actions as PolicyDoc['actions'] });
          break;
        case 'golem.grant.created':
          grants.set(event.data.grantId, { id: event.data.grantId, ...details, ...event.data });
          break;
        case 'golem.grant.deleted':
          grants.delete(event.data.grantId);
          break;
        default:
          break;
      }
    }
    const live = [...grants.values()].filter((grant) => projects.has(grant.projectId));
    return { accounts, tokens, projects, policies, grants: live };
  }

  async account(id: string) {
    return (await this.state()).accounts.get(id) ?? null;
  }
  async accountByEmail(email: string) {
    return [...(await this.state()).accounts.values()].find((account) => account.email === email) ?? null;
  }
  async token(id: string) {
    return (await this.state()).tokens.get(id) ?? null;
  }
  async tokenBySecretHash(hash: string) {
    return [...(await this.state()).tokens.values()].find((token) => token.secretSha256 === hash) ?? null;
  }
  async tokensOf(accountId: string) {
    return [...(await this.state()).tokens.values()].filter((token) => token.accountId === accountId);
  }
  async project(id: string) {
    return (await this.state()).projects.get(id) ?? null;
  }
  async allProjects(name: string | undefined) {
    return [...(await this.state()).projects.values()].filter((project) => name === undefined || project.name === name);
  }
  async projectsVisibleTo(accountId: string, name: string | undefined) {
    const { projects, grants } = await this.state();
    return [...projects.values()].filter(
      (project) =>
        (name === undefined || project.name === name) &&
        (project.ownerAccountId === accountId || grants.some((grant) => grant.projectId === project.id && grant.granteeAccountId === accountId)),
    );
  }
  async policy(id: string) {
    return (await this.state()).policies.get(id) ?? null;
  }
  async policies(ids: readonly string[]) {
    const { policies } = await this.state();
    return ids.flatMap((id) => policies.get(id) ?? []);
  }
  async grant(id: string) {
    return (await this.state()).grants.find((grant) => grant.id === id) ?? null;
  }
  async grantsOfProject(projectId: string) {
    return (await this.state()).grants.filter((grant) => grant.projectId === projectId);
  }
  async grantsOfGrantee(projectId: string, granteeAccountId: string) {
    return (await this.state()).grants.filter((grant) => grant.projectId === projectId && grant.granteeAccountId === granteeAccountId);
  }
  async holdsGrantOnProjectOf(granteeAccountId: string, ownerAccountId: string) {
    const { projects, grants } = await this.state();
    return grants.some((grant) => grant.granteeAccountId === granteeAccountId && projects.get(grant.projectId)?.ownerAccountId === ownerAccountId);
  }
}

const taken = (key: UniqueKey): Error => (key.kind === GOLEM_EMAIL_KEY ? emailTaken(key.value) : new DomainError('already_exists', 'TEST', key.kind));

let dir: string;
let store: SqliteEventStore;
let executor: CommandExecutor;
let counter: number;
let requests: number;

const ids = { newId: () => `01980000-0000-7000-8000-${String(++counter).padStart(12, '0')}` };

function service(projectLimit = 100): GolemService {
  return new GolemService(executor, new LogReadModel(store), { now: () => NOW }, ids, { projectLimit });
}

const ADMIN: Caller = { accountId: 'admin', isAdmin: true };
const as = (caller: Caller): GolemRequest => ({ caller, requestId: `request-${++requests}` });
const callerOf = (accountId: string): Caller => ({ accountId, isAdmin: false });

async function thenRejectsWith(when: () => Promise<unknown>, kind: GolemError['kind'], message: string): Promise<void> {
  let thrown: unknown;
  try {
    await when();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(GolemError);
  expect({ kind: (thrown as GolemError).kind, message: (thrown as GolemError).message }).toEqual({ kind, message });
}

/** Events appended after `head`, Golem ones only (reservation streams left out). */
async function appendedSince(head: number): Promise<RecordedEvent[]> {
  return (await store.readAll({ fromPosition: head })).filter((event) => event.type.startsWith('golem.'));
}

/** The fixture of §8: admin, accounts A, B and C, and project P of A. */
async function fixture(golem: GolemService) {
  await ensureGolemAdmin(executor);
  const a = (await golem.createAccount(as(ADMIN), { name: 'Alice', email: 'alice@example.com' })).value.id;
  const b = (await golem.createAccount(as(ADMIN), { name: 'Bob', email: 'bob@example.com' })).value.id;
  const c = (await golem.createAccount(as(ADMIN), { name: 'Carol', email: 'carol@example.com' })).value.id;
  const p = (await golem.createProject(as(callerOf(a)), { name: 'shop', ownerAccountId: a, description: 'Web shop' })).value.projectId;
  return { A: callerOf(a), B: callerOf(b), C: callerOf(c), a, b, c, p };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-golem-service-'));
  store = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 20 });
  executor = new CommandExecutor(store, ids, { now: () => new Date() }, taken);
  counter = 0;
  requests = 0;
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bootstrap', () => {
  it('given a fresh store, when started twice, then the admin is written once and its e-mail is taken', async () => {
    expect(await ensureGolemAdmin(executor)).toBe(1);
    expect(await ensureGolemAdmin(executor)).toBe(0);
    const golem = service();
    expect(await golem.getAccount(ADMIN, 'admin')).toEqual({ id: 'admin', name: 'Admin', email: 'admin@grantline.invalid', planId: '00000000-0000-0000-0000-000000000000' });
    await thenRejectsWith(() => golem.createAccount(as(ADMIN), { name: 'X', email: 'admin@grantline.invalid' }), 'conflict', 'Account with email `admin@grantline.invalid` already exists');
  });
});

describe('accounts (§3.2)', () => {
  it('given a non-admin, when creating an account, then admin_only and nothing appended (scenario 7)', async () => {
    const golem = service();
    const { A } = await fixture(golem);
    const head = await store.headPosition();
    await thenRejectsWith(() => golem.createAccount(as(A), { name: 'X', email: 'x@example.com' }), 'admin_only', 'Action is only allowed for [Admin]');
    expect(await store.headPosition()).toBe(head);
  });

  it('given bob@example.com exists, when created again, then 409; another case is another e-mail (scenario 8)', async () => {
    const golem = service();
    await fixture(golem);
    await thenRejectsWith(() => golem.createAccount(as(ADMIN), { name: 'B2', email: 'bob@example.com' }), 'conflict', 'Account with email `bob@example.com` already exists');
    const created = await golem.createAccount(as(ADMIN), { name: 'B3', email: 'Bob@example.com' });
    expect(created.value).toEqual({ id: expect.any(String), name: 'B3', email: 'Bob@example.com', planId: '00000000-0000-0000-0000-000000000000' });
    expect(created.position).toBe(await store.headPosition());
  });

  it('given a grant to B on A\'s project, then B sees A, A does not see B, nobody is unknown (scenario 40)', async () => {
    const golem = service();
    const { A, B, a, b, p } = await fixture(golem);
    await golem.createGrant(as(A), p, { granteeAccountId: b, projectActions: ['ViewComponent'] });
    expect((await golem.getAccount(B, a)).email).toBe('alice@example.com');
    await thenRejectsWith(() => golem.getAccount(A, b), 'account_access', `Access to account \`${b}\` is not allowed`);
    await thenRejectsWith(() => golem.getAccount(A, 'nobody'), 'account_access', 'Access to account `nobody` is not allowed');
  });
});

describe('tokens (§3.3)', () => {
  it('when A creates a token, then the secret is a UUIDv4 shown once, only its hash is stored, and it authenticates', async () => {
    const golem = service();
    const { A, a } = await fixture(golem);
    const head = await store.headPosition();
    const request = as(A);
    const created = await golem.createToken(request, a, new Date('2100-01-01T00:00:00Z'));
    const secret = created.value.secret.value;
    expect(secret).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.value.data).toEqual({ id: expect.any(String), accountId: a, createdAt: '2025-07-10T09:30:12.345Z', expiresAt: '2100-01-01T00:00:00.000Z' });
    const events = await appendedSince(head);
    expect(events.map((event) => event.type)).toEqual(['golem.token.created']);
    const hash = createHash('sha256').update(secret).digest('hex');
    expect(events[0]?.data).toEqual({ tokenId: created.value.data.id, accountId: a, secretSha256: hash, createdAt: '2025-07-10T09:30:12.345Z', expiresAt: '2100-01-01T00:00:00.000Z' });
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(events[0]?.metadata).toEqual({ actor: a, resourceOwner: a, correlationId: request.requestId, causationId: request.requestId });
    expect(created.position).toBe(events[0]?.position);
    expect(await golem.tokenBySecretHash(hash)).toEqual({ tokenId: created.value.data.id, accountId: a, expiresAt: new Date('2100-01-01T00:00:00Z') });
    expect(await golem.listTokens(A, a)).toEqual([created.value.data]);
  });

  it('given A\'s token deleted, then its secret no longer authenticates and a second delete is 404 (scenario 12)', async () => {
    const golem = service();
    const { A, a } = await fixture(golem);
    const created = await golem.createToken(as(A), a, new Date('2100-01-01T00:00:00Z'));
    const tokenId = created.value.data.id;
    const deleted = await golem.deleteToken(as(A), a, tokenId);
    expect(deleted).toEqual({ value: {}, position: await store.headPosition() });
    expect(await golem.tokenBySecretHash(createHash('sha256').update(created.value.secret.value).digest('hex'))).toBeNull();
    await thenRejectsWith(() => golem.deleteToken(as(A), a, tokenId), 'not_found', `Unknown token: ${tokenId}`);
  });

  it("given B's token, when A reads it under A's path, then 404; under B's path, then admin_only (scenarios 10, 11)", async () => {
    const golem = service();
    const { A, b, a } = await fixture(golem);
    const tokenOfB = (await golem.createToken(as(ADMIN), b, new Date('2100-01-01T00:00:00Z'))).value.data.id;
    await thenRejectsWith(() => golem.getToken(A, a, tokenOfB), 'not_found', `Unknown token: ${tokenOfB}`);
    await thenRejectsWith(() => golem.listTokens(A, b), 'admin_only', 'Action is only allowed for [Admin]');
    await thenRejectsWith(() => golem.createToken(as(ADMIN), 'nobody', new Date()), 'account_access', 'Access to account `nobody` is not allowed');
  });
});

describe('projects (§3.4)', () => {
  it('given limit 2 and A owning P: Q ok, R 409, delete Q, R ok (scenario 15)', async () => {
    const golem = service(2);
    const { A, a } = await fixture(golem);
    const input = { name: 'x', ownerAccountId: a, description: '' };
    const q = await golem.createProject(as(A), input);
    const head = await store.headPosition();
    await thenRejectsWith(() => golem.createProject(as(A), input), 'conflict', 'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 2)');
    expect(await store.headPosition()).toBe(head);
    const deleted = await golem.deleteProject(as(A), q.value.projectId);
    const events = await appendedSince(head);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['golem.project.deleted', { projectId: q.value.projectId, ownerAccountId: a }],
      ['golem.account.projectReleased', { accountId: a, projectId: q.value.projectId, reason: 'deleted' }],
    ]);
    expect(deleted.position).toBe(events[1]?.position);
    expect((await golem.createProject(as(A), input)).value.projectData.ownerAccountId).toBe(a);
  });

  it('when a project is created, then the slot is reserved before the project is written, both by the owner', async () => {
    const golem = service();
    const { A, a } = await fixture(golem);
    const head = await store.headPosition();
    const created = await golem.createProject(as(A), { name: 'shop', ownerAccountId: a, description: 'Web shop' });
    expect(created.value).toEqual({
      projectId: expect.any(String),
      projectData: { name: 'shop', ownerAccountId: a, description: 'Web shop', defaultEnvironmentId: 'default', projectType: 'NonDefault' },
    });
    const events = await appendedSince(head);
    expect(events.map((event) => [event.stream, event.type, event.metadata.resourceOwner])).toEqual([
      [`golem.account-${a}`, 'golem.account.projectReserved', a],
      [`golem.project-${created.value.projectId}`, 'golem.project.created', a],
    ]);
    expect(created.position).toBe(events[1]?.position);
  });

  it('given limit 1, when two projects are created at once, then exactly one is (the limit holds under concurrency)', async () => {
    const golem = service(1);
    await ensureGolemAdmin(executor);
    const a = (await golem.createAccount(as(ADMIN), { name: 'Alice', email: 'alice@example.com' })).value.id;
    const input = { name: 'x', ownerAccountId: a, description: '' };
    const results = await Promise.allSettled([golem.createProject(as(callerOf(a)), input), golem.createProject(as(callerOf(a)), input)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('given a create interrupted after its reservation, then the owner at the limit gets the slot back once the reservation is 60 s old (§6.5)', async () => {
    const golem = service(2);
    const { A, a, p } = await fixture(golem);
    // The interrupted create: its slot reserved, its project never written.
    const lost = ids.newId();
    await executor.execute(golemAccountAggregate, a, { actor: a, correlationId: 'lost', causationId: 'lost' }, (state) => ({
      events: decideReserveProject({ accountId: a, projectId: lost, limit: 2, now: Date.now(), liveProjects: new Set([p]) }, state),
      resourceOwner: a,
    }));
    const input = { name: 'again', ownerAccountId: a, description: '' };
    await thenRejectsWith(() => service(2).createProject(as(A), input), 'conflict', 'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 2)');

    const later = new GolemService(executor, new LogReadModel(store), { now: () => new Date(Date.now() + ABANDONED_AFTER_MS) }, ids, { projectLimit: 2 });
    const head = await store.headPosition();
    const created = await later.createProject(as(A), input);
    expect((await appendedSince(head)).map((event) => [event.type, event.data])).toEqual([
      ['golem.account.projectReleased', { accountId: a, projectId: lost, reason: 'abandoned' }],
      ['golem.account.projectReserved', { accountId: a, projectId: created.value.projectId }],
      ['golem.project.created', expect.objectContaining({ projectId: created.value.projectId })],
    ]);
    // P, live, kept its slot: the limit is full again.
    await thenRejectsWith(() => later.createProject(as(A), input), 'conflict', 'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 2)');
  });

  it('given A creates for B, or Admin for nobody, then admin_only / account_access (scenarios 13, 14)', async () => {
    const golem = service();
    const { A, b } = await fixture(golem);
    await thenRejectsWith(() => golem.createProject(as(A), { name: 'x', ownerAccountId: b, description: '' }), 'admin_only', 'Action is only allowed for [Admin]');
    await thenRejectsWith(() => golem.createProject(as(ADMIN), { name: 'x', ownerAccountId: 'nobody', description: '' }), 'account_access', 'Access to account `nobody` is not allowed');
  });

  it('given B has no grant, then P and an unknown project look the same (scenario 16); a deleted project answers 401 again', async () => {
    const golem = service();
    const { A, B, p } = await fixture(golem);
    const z = '01980a3d-ffff-7fff-bfff-ffffffffffff';
    await thenRejectsWith(() => golem.getProject(B, p), 'project_access', `Access to project \`${p}\` is not allowed`);
    await thenRejectsWith(() => golem.getProject(B, z), 'project_access', `Access to project \`${z}\` is not allowed`);
    await golem.deleteProject(as(A), p);
    await thenRejectsWith(() => golem.deleteProject(as(A), p), 'project_access', `Access to project \`${p}\` is not allowed`);
  });

  it('Admin sees all 30 actions and every project (scenario 38)', async () => {
    const golem = service();
    const { p } = await fixture(golem);
    expect(await golem.projectActions(ADMIN, p)).toHaveLength(30);
    expect((await golem.listProjects(ADMIN, undefined)).map((project) => project.projectId)).toEqual([p]);
    expect(await golem.listProjects(ADMIN, 'other')).toEqual([]);
  });
});

describe('grants (§3.5)', () => {
  it('when A grants B an inline policy, then policy.created (inline for the grant) then grant.created, same request (scenario 18)', async () => {
    const golem = service();
    const { A, B, a, b, p } = await fixture(golem);
    const head = await store.headPosition();
    const request = as(A);
    const created = await golem.createGrant(request, p, {
      granteeAccountId: b,
      projectActions: ['ViewProjectGrants', 'ViewComponent'],
      projectPolicyName: 'viewers',
    });
    const events = await appendedSince(head);
    const policyId = created.value.data.projectPolicyId;
    expect(events.map((event) => [event.type, event.data, event.metadata])).toEqual([
      [
        'golem.policy.created',
        { policyId, name: 'viewers', actions: ['ViewComponent', 'ViewProjectGrants'], inlineForGrantId: created.value.id },
        { actor: a, resourceOwner: a, correlationId: request.requestId, causationId: request.requestId },
      ],
      [
        'golem.grant.created',
        { grantId: created.value.id, projectId: p, granteeAccountId: b, policyId },
        { actor: a, resourceOwner: a, correlationId: request.requestId, causationId: request.requestId },
      ],
    ]);
    expect(created.value.data).toEqual({ granteeAccountId: b, grantorProjectId: p, projectPolicyId: policyId });
    expect(created.position).toBe(events[1]?.position);
    expect(await golem.getPolicy(B, policyId)).toEqual({ id: policyId, name: 'viewers', projectActions: { actions: ['ViewComponent', 'ViewProjectGrants'] } });
    // Scenario 19 and 20.
    expect(await golem.projectActions(B, p)).toEqual(['ViewComponent', 'ViewProjectGrants']);
    expect(await golem.listGrants(B, p)).toEqual([created.value]);
    await thenRejectsWith(() => golem.createGrant(as(B), p, { granteeAccountId: b, projectActions: [] }), 'project_action', `Action \`CreateProjectGrants\` is not allowed on project \`${p}\``);
    await thenRejectsWith(() => golem.deleteProject(as(B), p), 'project_action', `Action \`DeleteProject\` is not allowed on project \`${p}\``);
  });

  it.each([
    ['an unknown e-mail (22)', { granteeEmail: 'nobody@example.com', projectActions: [] }, 'not_found', 'No matching account found'],
    ['no grantee (23)', { projectActions: ['ViewComponent'] }, 'bad_request', 'Account id or email need to be provided'],
    ['an unknown grantee id (24)', { granteeAccountId: 'nobody', projectActions: ['ViewComponent'] }, 'bad_request', 'Account Not Found: nobody'],
  ] as const)('given %s, when A creates a grant, then the error and nothing appended', async (_, input, kind, message) => {
    const golem = service();
    const { A, p } = await fixture(golem);
    const head = await store.headPosition();
    await thenRejectsWith(() => golem.createGrant(as(A), p, input), kind, message);
    expect(await store.headPosition()).toBe(head);
  });

  it('given an unknown policy id, then 400 and nothing appended (scenario 25)', async () => {
    const golem = service();
    const { A, b, p } = await fixture(golem);
    const z = '01980a3d-ffff-7fff-bfff-ffffffffffff';
    const head = await store.headPosition();
    await thenRejectsWith(() => golem.createGrant(as(A), p, { granteeAccountId: b, projectPolicyId: z, projectActions: [] }), 'bad_request', `Project Policy Not Found: ${z}`);
    expect(await store.headPosition()).toBe(head);
  });

  it('given an id and an unknown e-mail, then the id wins (26); by e-mail, then that account (21)', async () => {
    const golem = service();
    const { A, b, c, p } = await fixture(golem);
    expect((await golem.createGrant(as(A), p, { granteeAccountId: b, granteeEmail: 'nobody@example.com', projectActions: [] })).value.data.granteeAccountId).toBe(b);
    expect((await golem.createGrant(as(A), p, { granteeEmail: 'carol@example.com', projectActions: ['ViewWorker'] })).value.data.granteeAccountId).toBe(c);
  });

  it('given an existing policy X, then the grant uses it and appends exactly one event (scenario 27)', async () => {
    const golem = service();
    const { A, C, c, p } = await fixture(golem);
    const x = (await golem.createPolicy(as(C), { name: 'x', actions: ['ViewWorker'] })).value.id;
    const head = await store.headPosition();
    const created = await golem.createGrant(as(A), p, { granteeAccountId: c, projectPolicyId: x, projectActions: ['DeleteProject'], projectPolicyName: 'ignored' });
    expect(created.value.data.projectPolicyId).toBe(x);
    expect((await appendedSince(head)).map((event) => event.type)).toEqual(['golem.grant.created']);
    expect(await golem.projectActions(C, p)).toEqual(['ViewWorker']);
  });

  it('given B holds two grants, when A deletes the DeleteProject one, then B loses it at once (scenarios 28, 29)', async () => {
    const golem = service();
    const { A, B, b, p } = await fixture(golem);
    await golem.createGrant(as(A), p, { granteeAccountId: b, projectActions: ['ViewComponent'] });
    const second = await golem.createGrant(as(A), p, { granteeAccountId: b, projectActions: ['DeleteProject'] });
    expect(await golem.projectActions(B, p)).toEqual(['ViewComponent', 'DeleteProject']);
    const head = await store.headPosition();
    const deleted = await golem.deleteGrant(as(A), p, second.value.id);
    const events = await appendedSince(head);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['golem.grant.deleted', { grantId: second.value.id, projectId: p, granteeAccountId: b, policyId: second.value.data.projectPolicyId, reason: 'requested' }],
    ]);
    expect(deleted.position).toBe(events[0]?.position);
    await thenRejectsWith(() => golem.deleteProject(as(B), p), 'project_action', `Action \`DeleteProject\` is not allowed on project \`${p}\``);
  });

  it('given an unknown grant or a grant of another project, when deleted, then 200 with no position and nothing appended (scenarios 30, 31)', async () => {
    const golem = service();
    const { A, b, a, p } = await fixture(golem);
    const g = (await golem.createGrant(as(A), p, { granteeAccountId: b, projectActions: [] })).value.id;
    const q = (await golem.createProject(as(A), { name: 'q', ownerAccountId: a, description: '' })).value.projectId;
    const head = await store.headPosition();
    expect(await golem.deleteGrant(as(A), p, '01980a3d-ffff-7fff-bfff-ffffffffffff')).toEqual({ value: {}, position: null });
    expect(await golem.deleteGrant(as(A), q, g)).toEqual({ value: {}, position: null });
    expect(await store.headPosition()).toBe(head);
    await thenRejectsWith(() => golem.getGrant(A, q, g), 'not_found', 'Project grant not found');
    expect((await golem.getGrant(A, p, g)).id).toBe(g);
  });

  it('given B holds only an empty grant, then P is listed, actions are [], and ViewProject is refused (scenario 32)', async () => {
    const golem = service();
    const { A, B, b, p } = await fixture(golem);
    await golem.createGrant(as(A), p, { granteeAccountId: b, projectActions: [] });
    expect((await golem.listProjects(B, undefined)).map((project) => project.projectId)).toEqual([p]);
    expect(await golem.projectActions(B, p)).toEqual([]);
    await thenRejectsWith(() => golem.getProject(B, p), 'project_action', `Action \`ViewProject\` is not allowed on project \`${p}\``);
  });

  it('no escalation check: B with CreateProjectGrants grants itself DeleteProject and deletes P (scenario 39)', async () => {
    const golem = service();
    const { A, B, b, p } = await fixture(golem);
    await golem.createGrant(as(A), p, { granteeAccountId: b, projectActions: ['CreateProjectGrants'] });
    await golem.createGrant(as(B), p, { granteeAccountId: b, projectActions: ['DeleteProject'] });
    expect((await golem.deleteProject(as(B), p)).value).toEqual({});
  });
});

describe('policies (§3.6)', () => {
  it('when C creates an empty policy, then anyone reads it; an unknown id is 404 (scenario 33)', async () => {
    const golem = service();
    const { B, C, c } = await fixture(golem);
    const head = await store.headPosition();
    const created = await golem.createPolicy(as(C), { name: '', actions: [] });
    expect(created.value).toEqual({ id: expect.any(String), name: '', projectActions: { actions: [] } });
    expect((await appendedSince(head)).map((event) => event.metadata.resourceOwner)).toEqual([c]);
    expect(await golem.getPolicy(B, created.value.id)).toEqual(created.value);
    await thenRejectsWith(() => golem.getPolicy(B, '01980a3d-ffff-7fff-bfff-ffffffffffff'), 'not_found', 'Project policy not found');
  });
});
