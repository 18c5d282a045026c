import { History, at } from '../../../test/support/given';
import { grantAdded, projectAdded, projectRemoved, roleAdded, roleChanged, roleRemoved } from '../../../test/support/events';
import { project } from '../../../test/support/memory-view';
import { PROJECTS, PROJECT_ROLES, projectsProjection, roleDocId } from './projects.projection';

const V = 'org-vendor';
const C = 'org-customer';
const P = 'portal';
const Q = 'quarry';
const byV = { resourceOwner: V };

describe('projects projection: projects', () => {
  it('given project.added with default settings, then a project document with its details and settings off', async () => {
    const history = new History();
    history.record(`project-${P}`, projectAdded('Portal'), byV);

    const view = await project(projectsProjection, history.events);

    expect(view.docs(PROJECTS)).toEqual([
      {
        id: P,
        sequence: 1,
        creationDate: at(1).toISOString(),
        changeDate: at(1).toISOString(),
        resourceOwner: V,
        createdPosition: 1,
        name: 'Portal',
        state: 'active',
        projectRoleAssertion: false,
        projectRoleCheck: false,
        hasProjectCheck: false,
        privateLabelingSetting: 0,
      },
    ]);
  });

  it('given project.added with every setting, then the document carries them', async () => {
    const history = new History();
    history.record(
      `project-${P}`,
      projectAdded('Portal', { projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 2 }),
      byV,
    );

    const view = await project(projectsProjection, history.events);

    expect(await view.get(PROJECTS, P)).toMatchObject({ projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 2 });
  });

  it('given roles and grants added later, then the project keeps its creation date and position', async () => {
    const history = new History();
    history.record('org-other', { type: 'org.added', data: { name: 'Other' } }, { resourceOwner: 'org-other' }); // 1
    history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('reader'), grantAdded('g1', C, ['reader'])], byV); // 2..4

    const view = await project(projectsProjection, history.events);

    expect(await view.get(PROJECTS, P)).toMatchObject({ creationDate: at(2).toISOString(), createdPosition: 2, resourceOwner: V });
  });

  it('given project.removed, then the project document is gone and another project stays', async () => {
    const history = new History();
    history.record(`project-${P}`, projectAdded('Portal'), byV);
    history.record(`project-${Q}`, projectAdded('Quarry'), byV);
    history.record(`project-${P}`, projectRemoved('Portal'), byV);

    const view = await project(projectsProjection, history.events);

    expect(view.docs(PROJECTS).map((doc) => doc.id)).toEqual([Q]);
  });
});

describe('projects projection: roles', () => {
  it('given project.role.added, then a role document with its own details, group and folded copies', async () => {
    const history = new History();
    history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('Reader', 'Can Read', 'Basics'), roleAdded('writer')], byV);

    const view = await project(projectsProjection, history.events);

    expect(view.docs(PROJECT_ROLES)).toEqual([
      {
        id: roleDocId(P, 'Reader'),
        sequence: 2,
        creationDate: at(2).toISOString(),
        changeDate: at(2).toISOString(),
        resourceOwner: V,
        createdPosition: 2,
        projectId: P,
        key: 'Reader',
        displayName: 'Can Read',
        group: 'Basics',
        folded: { key: 'reader', displayName: 'can read' },
      },
      {
        id: roleDocId(P, 'writer'),
        sequence: 3,
        creationDate: at(3).toISOString(),
        changeDate: at(3).toISOString(),
        resourceOwner: V,
        createdPosition: 3,
        projectId: P,
        key: 'writer',
        displayName: 'writer',
        group: '',
        folded: { key: 'writer', displayName: 'writer' },
      },
    ]);
  });

  it('given project.role.changed, then only the changed fields change, with the sequence and date of that event', async () => {
    const history = new History();
    history.record(
      `project-${P}`,
      [projectAdded('Portal'), roleAdded('reader', 'Reader', 'G1'), roleAdded('writer'), roleChanged('reader', { displayName: 'Leser' })],
      byV,
    );

    const view = await project(projectsProjection, history.events);

    expect(await view.get(PROJECT_ROLES, roleDocId(P, 'reader'))).toMatchObject({
      displayName: 'Leser',
      group: 'G1',
      folded: { key: 'reader', displayName: 'leser' },
      sequence: 4,
      creationDate: at(2).toISOString(),
      changeDate: at(4).toISOString(),
    });
    expect(await view.get(PROJECT_ROLES, roleDocId(P, 'writer'))).toMatchObject({ sequence: 3, changeDate: at(3).toISOString() });
  });

  it('given project.role.changed of the group only, then the display name stays', async () => {
    const history = new History();
    history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('reader', 'Reader'), roleChanged('reader', { group: 'G2' })], byV);

    const view = await project(projectsProjection, history.events);

    expect(await view.get(PROJECT_ROLES, roleDocId(P, 'reader'))).toMatchObject({ displayName: 'Reader', group: 'G2' });
  });

  it('given a role key with a slash, then its document id is <projectId>/<key> and it can be removed', async () => {
    const history = new History();
    history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('app/read'), roleAdded('app/write')], byV);
    const view = await project(projectsProjection, history.events);
    expect(await view.get(PROJECT_ROLES, `${P}/app/read`)).toMatchObject({ key: 'app/read' });

    const removal = new History();
    removal.record(`project-${P}`, [projectAdded('Portal'), roleAdded('app/read'), roleAdded('app/write'), roleRemoved('app/read')], byV);
    const after = await project(projectsProjection, removal.events);

    expect(after.docs(PROJECT_ROLES).map((doc) => doc.id)).toEqual([`${P}/app/write`]);
  });

  it('given project.role.removed, then that role document is gone', async () => {
    const history = new History();
    history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('reader'), roleAdded('writer'), roleRemoved('reader')], byV);

    const view = await project(projectsProjection, history.events);

    expect(view.docs(PROJECT_ROLES).map((doc) => doc.id)).toEqual([roleDocId(P, 'writer')]);
  });

  it('given project.removed, then its roles are gone and the roles of another project stay', async () => {
    const history = new History();
    history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('reader')], byV);
    history.record(`project-${Q}`, [projectAdded('Quarry'), roleAdded('reader')], byV);
    history.record(`project-${P}`, projectRemoved('Portal'), byV);

    const view = await project(projectsProjection, history.events);

    expect(view.docs(PROJECT_ROLES).map((doc) => doc.id)).toEqual([roleDocId(Q, 'reader')]);
  });
});
