import { fold, given, thenEvents, thenGolemError } from '../../../test/support/given';
import type { GolemProjectEvent } from '../golem.events';
import { decideCreateProject, decideDeleteProject, golemProjectAggregate } from './project.decider';

const ALICE = '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01';
const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';

const create = { projectId: P, ownerAccountId: ALICE, name: 'shop', description: 'Web shop' };
const created: GolemProjectEvent = { type: 'golem.project.created', data: { ...create, defaultEnvironmentId: 'default', projectType: 'NonDefault' } };
const deleted: GolemProjectEvent = { type: 'golem.project.deleted', data: { projectId: P, ownerAccountId: ALICE } };
const stateAfter = (events: readonly GolemProjectEvent[]) => fold(golemProjectAggregate, given(`golem.project-${P}`, events, { resourceOwner: ALICE, actor: ALICE }));


describe('CreateProject', () => {
  it('given no project, when created, then golem.project.created, default environment and NonDefault type', () => {
    thenEvents(() => decideCreateProject(create, stateAfter([])), [created]);
  });

  it('given the project exists, when created again, then a conflict', () => {
    thenGolemError(() => decideCreateProject(create, stateAfter([created])), 'conflict', `Project \`${P}\` already exists`);
  });
});

describe('DeleteProject', () => {
  it('given a live project, when deleted, then golem.project.deleted repeating the owner', () => {
    thenEvents(() => decideDeleteProject({ projectId: P }, stateAfter([created])), [deleted]);
  });

  it.each([
    ['no project', [] as GolemProjectEvent[]],
    ['a deleted project', [created, deleted]],
  ])('given %s, when deleted, then 401 "Access to project" (a second DELETE answers 401)', (_, history) => {
    thenGolemError(() => decideDeleteProject({ projectId: P }, stateAfter(history)), 'project_access', `Access to project \`${P}\` is not allowed`);
  });
});
