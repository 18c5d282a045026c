import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../adapters/sqlite/sqlite-event-store';
import { type CommandContext, CommandExecutor } from '../../kernel/command-executor';
import { DomainError } from '../../kernel/domain-error';
import type { RecordedEvent } from '../../kernel/event';
import { MemoryView, project } from '../../../test/support/memory-view';
import { decideCreateAccount, decideReleaseProject, decideReserveProject, golemAccountAggregate } from '../accounts/account.decider';
import { decideCreateProject, decideDeleteProject, golemProjectAggregate } from '../projects/project.decider';
import { ABANDONED_AFTER_MS } from '../accounts/account.decider';
import { golemProjectSlotsReactor } from './project-slots.reactor';

/**
 * The project-slots repair (golem-api.md §6.5) on the embedded event store. The reactor's clock
 * is the log's commit times, so "60 s later" is given as a later Golem event with that time.
 */

const ALICE = 'alice';
const P = 'project-p';

let dir: string;
let store: SqliteEventStore;
let executor: CommandExecutor;
let next = 0;
const ids = { newId: () => `id-${++next}` };
const byAlice = (correlationId: string): CommandContext => ({ actor: ALICE, correlationId, causationId: correlationId });

async function givenAccount(): Promise<void> {
  await executor.execute(golemAccountAggregate, ALICE, byAlice('create-account'), (state) => ({
    events: decideCreateAccount({ accountId: ALICE, name: 'Alice', email: 'alice@example.com' }, state),
    resourceOwner: ALICE,
  }));
}

async function reserve(projectId: string): Promise<void> {
  await executor.execute(golemAccountAggregate, ALICE, byAlice('create-project'), (state) => ({
    events: decideReserveProject({ accountId: ALICE, projectId, limit: 10, now: Date.now(), liveProjects: new Set() }, state),
    resourceOwner: ALICE,
  }));
}

async function createProject(projectId: string): Promise<void> {
  await executor.execute(golemProjectAggregate, projectId, byAlice('create-project'), (state) => ({
    events: decideCreateProject({ projectId, ownerAccountId: ALICE, name: '', description: '' }, state),
    resourceOwner: ALICE,
  }));
}

async function deleteProject(projectId: string, thenRelease: boolean): Promise<void> {
  await executor.execute(golemProjectAggregate, projectId, byAlice('delete-project'), (state) => ({
    events: decideDeleteProject({ projectId }, state),
    resourceOwner: ALICE,
  }));
  if (!thenRelease) return;
  await executor.execute(golemAccountAggregate, ALICE, byAlice('delete-project'), (state) => ({
    events: decideReleaseProject({ accountId: ALICE, projectId, reason: 'deleted' }, state),
    resourceOwner: ALICE,
  }));
}

/** A later, unrelated Golem event committed `ms` after `after`: the reactor's clock moving on. */
function laterEvent(after: RecordedEvent, ms: number): RecordedEvent {
  return {
    id: `later-${ms}`,
    stream: 'golem.policy-later',
    type: 'golem.policy.created',
    revision: 0,
    position: after.position + 1000,
    createdAt: new Date(after.createdAt.getTime() + ms),
    data: { policyId: 'later', name: '', actions: [], inlineForGrantId: null },
    metadata: { actor: 'someone', resourceOwner: 'someone', correlationId: 'later', causationId: 'later' },
  } as RecordedEvent;
}

async function react(view: MemoryView, events?: readonly RecordedEvent[]): Promise<MemoryView> {
  return project(golemProjectSlotsReactor(executor), events ?? (await store.readAll()), view);
}

const accountStream = () => store.readStream(`golem.account-${ALICE}`);
const lastOf = async (): Promise<RecordedEvent> => {
  const events = await store.readAll();
  const last = events[events.length - 1];
  if (last === undefined) throw new Error('empty log');
  return last;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-golem-slots-'));
  store = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 20 });
  executor = new CommandExecutor(store, ids, { now: () => new Date() }, () => new DomainError('already_exists', 'TEST', 'taken'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('golem project slots', () => {
  it('given a reservation whose project was never created, when a Golem event 60 s later is seen, then the slot is released (abandoned)', async () => {
    await givenAccount();
    await reserve(P);
    const reservation = await lastOf();
    const view = await react(new MemoryView());

    await react(view, [laterEvent(reservation, ABANDONED_AFTER_MS)]);

    const events = await accountStream();
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['golem.account.created', expect.anything()],
      ['golem.account.projectReserved', { accountId: ALICE, projectId: P }],
      ['golem.account.projectReleased', { accountId: ALICE, projectId: P, reason: 'abandoned' }],
    ]);
    expect(events[2]?.metadata).toEqual({ actor: ALICE, resourceOwner: ALICE, correlationId: 'create-project', causationId: reservation.id });
  });

  it('given a reservation, when the next Golem event is less than 60 s later, then nothing is released', async () => {
    await givenAccount();
    await reserve(P);
    const reservation = await lastOf();

    await react(new MemoryView(), [...(await store.readAll()), laterEvent(reservation, ABANDONED_AFTER_MS - 1)]);

    expect((await accountStream()).map((event) => event.type)).toEqual(['golem.account.created', 'golem.account.projectReserved']);
  });

  it('given the project was created, when a Golem event much later is seen, then the slot stays reserved', async () => {
    await givenAccount();
    await reserve(P);
    await createProject(P);
    const created = await lastOf();

    await react(new MemoryView(), [...(await store.readAll()), laterEvent(created, 10 * ABANDONED_AFTER_MS)]);

    expect((await accountStream()).map((event) => event.type)).toEqual(['golem.account.created', 'golem.account.projectReserved']);
  });

  it('given a project deleted without its release (interrupted), then the reactor releases the slot (deleted), caused by the deletion', async () => {
    await givenAccount();
    await reserve(P);
    await createProject(P);
    await deleteProject(P, false);
    const deletion = await lastOf();

    await react(new MemoryView());

    const events = await accountStream();
    expect(events.map((event) => event.type)).toEqual(['golem.account.created', 'golem.account.projectReserved', 'golem.account.projectReleased']);
    expect(events[2]?.data).toEqual({ accountId: ALICE, projectId: P, reason: 'deleted' });
    expect(events[2]?.metadata).toEqual({ actor: ALICE, resourceOwner: ALICE, correlationId: 'delete-project', causationId: deletion.id });
  });

  it('given a project deleted and released, when the reactor runs and replays, then it appends nothing', async () => {
    await givenAccount();
    await reserve(P);
    await createProject(P);
    await deleteProject(P, true);
    const head = await store.headPosition();

    await react(new MemoryView());
    await react(new MemoryView());

    expect(await store.headPosition()).toBe(head);
  });
});
