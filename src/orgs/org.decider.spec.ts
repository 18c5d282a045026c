import { fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { decideAddOrg, orgAggregate, primaryDomainFor } from './org.decider';
import type { OrgEvent } from './org.events';

const ORG = '0193a3f0-7d42-7c1f-8e0a-6b5c4d3e2f10';
const addCustomerA = { orgId: ORG, name: 'Customer A', instanceDomain: 'localhost' };
const owned = { resourceOwner: ORG };

describe('AddOrg', () => {
  it('given no org, when AddOrg "Customer A", then org.added and org.domain.primary.set customer-a.localhost', () => {
    const state = fold(orgAggregate, given<OrgEvent>(`org-${ORG}`, [], owned));

    thenEvents(
      () => decideAddOrg(addCustomerA, state),
      [
        { type: 'org.added', data: { name: 'Customer A' } },
        { type: 'org.domain.primary.set', data: { domain: 'customer-a.localhost' } },
      ],
    );
  });

  it('given the org stream already exists, when AddOrg, then AlreadyExists V3-DKcYh', () => {
    const state = fold(orgAggregate, given<OrgEvent>(`org-${ORG}`, [{ type: 'org.added', data: { name: 'Vendor' } }], owned));

    thenThrows(() => decideAddOrg(addCustomerA, state), 'already_exists', 'V3-DKcYh');
  });

  it('given no org, when AddOrg with another instance domain, then the domain ends with it', () => {
    thenEvents(
      () => decideAddOrg({ orgId: ORG, name: 'Vendor', instanceDomain: 'grantline.example' }, orgAggregate.initialState),
      [
        { type: 'org.added', data: { name: 'Vendor' } },
        { type: 'org.domain.primary.set', data: { domain: 'vendor.grantline.example' } },
      ],
    );
  });
});

describe('primaryDomainFor', () => {
  it.each([
    ['Customer A', 'customer-a.localhost'],
    ['VENDOR', 'vendor.localhost'],
    ['Ümlaut & Co. GmbH!', 'mlaut--co-gmbh.localhost'],
    ['a_b.c/d', 'abcd.localhost'],
    ['  Spaced Out  ', 'spaced-out.localhost'],
    ['-dash-', 'dash.localhost'],
    ['Team 42', 'team-42.localhost'],
  ])('given the name %j, then the primary domain is %s', (name, domain) => {
    expect(primaryDomainFor(name, ORG, 'localhost')).toBe(domain);
  });

  it.each([['日本'], ['!!!'], ['- -'], ['']])('given the name %j with no usable character, then the label is the org id', (name) => {
    expect(primaryDomainFor(name, ORG, 'localhost')).toBe(`${ORG}.localhost`);
  });
});

describe('org aggregate', () => {
  it('given org.added and org.domain.primary.set, then the state exists with name and domain', () => {
    const state = fold(
      orgAggregate,
      given<OrgEvent>(
        `org-${ORG}`,
        [
          { type: 'org.added', data: { name: 'Customer A' } },
          { type: 'org.domain.primary.set', data: { domain: 'customer-a.localhost' } },
        ],
        owned,
      ),
    );

    expect(state).toEqual({ exists: true, name: 'Customer A', primaryDomain: 'customer-a.localhost' });
  });

  it('given no events, then the org does not exist', () => {
    expect(fold(orgAggregate, [])).toEqual({ exists: false, name: '', primaryDomain: '' });
  });

  it('when org.added, then it claims the lower-cased org name and releases nothing', () => {
    expect(orgAggregate.uniqueClaims?.({ type: 'org.added', data: { name: 'Customer A' } }, orgAggregate.initialState, ORG)).toEqual({
      claim: [{ kind: 'org.name', value: 'customer a' }],
      release: [],
    });
  });

  it('when org.domain.primary.set, then it claims the lower-cased domain and releases nothing', () => {
    const state = fold(orgAggregate, given<OrgEvent>(`org-${ORG}`, [{ type: 'org.added', data: { name: 'X' } }], owned));

    expect(orgAggregate.uniqueClaims?.({ type: 'org.domain.primary.set', data: { domain: 'X.Localhost' } }, state, ORG)).toEqual({
      claim: [{ kind: 'org.domain', value: 'x.localhost' }],
      release: [],
    });
  });
});
