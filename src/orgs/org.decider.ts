import { type AggregateType, NO_CLAIMS, type UniqueClaims } from '../kernel/aggregate';
import { assertNever } from '../kernel/decider';
import { alreadyExists } from '../kernel/domain-error';
import type { RecordedEvent } from '../kernel/event';
import type { OrgEvent } from './org.events';

export interface OrgState {
  readonly exists: boolean;
  readonly name: string;
  readonly primaryDomain: string;
}

export const orgAggregate: AggregateType<OrgState, OrgEvent> = {
  type: 'org',
  initialState: { exists: false, name: '', primaryDomain: '' },
  evolve(state: OrgState, event: RecordedEvent<OrgEvent>): OrgState {
    switch (event.type) {
      case 'org.added':
        return { ...state, exists: true, name: event.data.name };
      case 'org.domain.primary.set':
        return { ...state, primaryDomain: event.data.domain };
      default:
        return assertNever(event);
    }
  },
  uniqueClaims(event: OrgEvent): UniqueClaims {
    switch (event.type) {
      case 'org.added':
        return { claim: [{ kind: 'org.name', value: event.data.name.toLowerCase() }], release: [] };
      case 'org.domain.primary.set':
        return { claim: [{ kind: 'org.domain', value: event.data.domain.toLowerCase() }], release: [] };
      default:
        return NO_CLAIMS;
    }
  },
};

export interface AddOrg {
  readonly orgId: string;
  readonly name: string;
  /** `GRANTLINE_DOMAIN`, the suffix of generated primary domains. */
  readonly instanceDomain: string;
}

export function decideAddOrg(command: AddOrg, state: OrgState): readonly OrgEvent[] {
  if (state.exists) throw alreadyExists('V3-DKcYh', 'Organisation name already taken');
  return [
    { type: 'org.added', data: { name: command.name } },
    { type: 'org.domain.primary.set', data: { domain: primaryDomainFor(command.name, command.orgId, command.instanceDomain) } },
  ];
}

/** "Customer A" → `customer-a.<instance domain>`; a name with no usable characters → the org id. */
export function primaryDomainFor(name: string, orgId: string, instanceDomain: string): string {
  const label = name
    .toLowerCase()
    .replace(/ /g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/^-+|-+$/g, '');
  return `${label === '' ? orgId : label}.${instanceDomain}`;
}
