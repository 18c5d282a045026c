import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../adapters/sqlite/sqlite-event-store';
import { type CommandContext, CommandExecutor } from '../../kernel/command-executor';
import { DomainError } from '../../kernel/domain-error';
import type { RecordedEvent } from '../../kernel/event';
import { MemoryView, project } from '../../../test/support/memory-view';
import { decideCreateGrant, decideDeleteGrant, golemGrantAggregate } from '../grants/grant.decider';
import { decideCreateProject, decideDeleteProject, golemProjectAggregate } from '../projects/project.decider';
import { golemGrantCascadeReactor, grantCascadeEventId } from './grant-cascade.reactor';

/**
 * The grant cascade (golem-api.md §6.5) on the embedded event store: the "given" events are
 * appended as the use cases append them, the reactor is fed the log as the runner would, and the
 * "then" is what it left in the grant streams.
 */

const ALICE = 'alice';
const BOB = 'bob';
const P = 'project-p';
const Q = 'project-q';
const X = 'policy-x';

let dir: string;
let store: SqliteEventStore;
let executor: CommandExecutor;
let next = 0;
const ids = { newId: () => `id-${++next}` };

const byAlice = (correlationId: string): CommandContext => ({ actor: ALICE, correlationId, causationId: correlationId });

async function createProject(projectId: string): Promise<void> {
  await executor.execute(golemProjectAggregate, projectId, byAlice('create-project'), (state) => ({
    events: decideCreateProject({ projectId, ownerAccountId: ALICE, name: projectId, description: '' }, state),
    resourceOwner: ALICE,
  }));
}

async function deleteProject(projectId: string): Promise<void> {
  await executor.execute(golemProjectAggregate, projectId, byAlice('delete-project'), (state) => ({
    events: decideDeleteProject({ projectId }, state),
    resourceOwner: ALICE,
  }));
}

async function createGrant(grantId: string, projectId: string): Promise<void> {
  await executor.execute(golemGrantAggregate, grantId, byAlice(`create-${grantId}`), (state) => ({
    events: decideCreateGrant({ grantId, projectId, granteeAccountId: BOB, policyId: X }, state),
    resourceOwner: ALICE,
  }));
}

async function deleteGrant(grantId: string, projectId: string): Promise<void> {
  await executor.execute(golemGrantAggregate, grantId, byAlice(`delete-${grantId}`), (state) => ({
    events: decideDeleteGrant({ grantId, projectId, reason: 'requested' }, state),
    resourceOwner: ALICE,
  }));
}

/** Runs the reactor over the log (from `after` on) and returns the view it kept. */
async function react(view = new MemoryView(), after = 0): Promise<MemoryView> {
  return project(golemGrantCascadeReactor(executor), await store.readAll({ fromPosition: after }), view);
}

const streamOf = (grantId: string) => store.readStream(`golem.grant-${grantId}`);
const trigger = async (): Promise<RecordedEvent> => {
  const [deleted] = await store.readAll({ filter: { eventTypes: ['golem.project.deleted'] } });
  if (deleted === undefined) throw new Error('no golem.project.deleted in the log');
  return deleted;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-golem-cascade-'));
  store = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 20 });
  executor = new CommandExecutor(store, ids, { now: () => new Date() }, () => new DomainError('already_exists', 'TEST', 'taken'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('golem grant cascade', () => {
  it('given P with grants G1, G2 and Q with G3, when P is deleted, then G1 and G2 are deleted (projectDeleted) by the deleter, G3 is left', async () => {
    await createProject(P);
    await createProject(Q);
    await createGrant('g1', P);
    await createGrant('g2', P);
    await createGrant('g3', Q);
    await deleteProject(P);

    await react();

    const cause = await trigger();
    for (const grantId of ['g1', 'g2']) {
      const events = await streamOf(grantId);
      expect(events.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }))[1]).toEqual({
        id: grantCascadeEventId(cause, `golem.grant-${grantId}`, 0),
        type: 'golem.grant.deleted',
        data: { grantId, projectId: P, granteeAccountId: BOB, policyId: X, reason: 'projectDeleted' },
        metadata: { actor: ALICE, resourceOwner: ALICE, correlationId: 'delete-project', causationId: cause.id },
      });
      expect(events).toHaveLength(2);
    }
    expect(await streamOf('g3')).toHaveLength(1);
  });

  it('given the cascade ran, when the reactor replays the whole log from scratch, then nothing more is appended', async () => {
    await createProject(P);
    await createGrant('g1', P);
    await deleteProject(P);
    await react();
    const head = await store.headPosition();

    await react();

    expect(await store.headPosition()).toBe(head);
  });

  it('given a grant created after its project was deleted (a race), then the cascade deletes it too', async () => {
    await createProject(P);
    await deleteProject(P);
    const view = await react();
    const seen = await store.headPosition();
    await createGrant('late', P);

    await react(view, seen);

    const events = await streamOf('late');
    expect(events.map((event) => event.type)).toEqual(['golem.grant.created', 'golem.grant.deleted']);
    expect(events[1]?.metadata.causationId).toBe(events[0]?.id);
  });

  it('given a grant deleted on request before the project, then the cascade appends nothing for it', async () => {
    await createProject(P);
    await createGrant('g1', P);
    await deleteGrant('g1', P);
    await deleteProject(P);

    await react();

    expect((await streamOf('g1')).map((event) => event.data)).toEqual([
      { grantId: 'g1', projectId: P, granteeAccountId: BOB, policyId: X },
      { grantId: 'g1', projectId: P, granteeAccountId: BOB, policyId: X, reason: 'requested' },
    ]);
  });
});
