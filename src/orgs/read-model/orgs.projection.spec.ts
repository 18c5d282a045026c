import { History, at } from '../../../test/support/given';
import { orgAdded, primaryDomainSet } from '../../../test/support/events';
import { project } from '../../../test/support/memory-view';
import type { OrgEvent } from '../org.events';
import { ORGS, evolveOrg, orgsProjection } from './orgs.projection';

const V = 'vendor';

describe('orgs projection', () => {
  it('given org.added and org.domain.primary.set, then one org document with its details, name and domain', async () => {
    const history = new History();
    history.record(`org-${V}`, [orgAdded('Vendor'), primaryDomainSet('vendor.localhost')], { resourceOwner: V });

    const view = await project(orgsProjection, history.events);

    expect(view.docs(ORGS)).toEqual([
      {
        id: V,
        sequence: 2,
        creationDate: at(1).toISOString(),
        changeDate: at(2).toISOString(),
        resourceOwner: V,
        createdPosition: 1,
        name: 'Vendor',
        primaryDomain: 'vendor.localhost',
        state: 'active',
      },
    ]);
  });

  it('given two orgs interleaved, then each document has the details of its own stream', async () => {
    const history = new History();
    history.record('org-a', orgAdded('A'), { resourceOwner: 'a' }); // 1
    history.record('org-b', orgAdded('B'), { resourceOwner: 'b' }); // 2
    history.record('org-a', primaryDomainSet('a.localhost'), { resourceOwner: 'a' }); // 3
    history.record('org-b', primaryDomainSet('b.localhost'), { resourceOwner: 'b' }); // 4

    const view = await project(orgsProjection, history.events);

    expect(await view.get(ORGS, 'a')).toMatchObject({ sequence: 2, createdPosition: 1, changeDate: at(3).toISOString(), primaryDomain: 'a.localhost' });
    expect(await view.get(ORGS, 'b')).toMatchObject({ sequence: 2, createdPosition: 2, changeDate: at(4).toISOString(), primaryDomain: 'b.localhost' });
  });

  it('given org.added only, then the primary domain is empty and changeDate equals creationDate', async () => {
    const history = new History();
    history.record(`org-${V}`, orgAdded('Vendor'), { resourceOwner: V });

    const view = await project(orgsProjection, history.events);

    expect(await view.get(ORGS, V)).toMatchObject({ sequence: 1, primaryDomain: '', creationDate: at(1).toISOString(), changeDate: at(1).toISOString() });
  });

  it('given a primary domain event without a document, then evolve creates nothing', () => {
    const [event] = new History().record<OrgEvent>(`org-${V}`, primaryDomainSet('x.localhost'), { resourceOwner: V });
    if (event === undefined) throw new Error('no event');

    expect(evolveOrg(null, event)).toBeNull();
  });
});
