import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import { type Projection, type ProjectionView, createdBy } from '../../projections/projection';
import { actionSet, isProjectAction } from '../actions';
import type { GolemAccountEvent, GolemEvent, GolemGrantEvent, GolemPolicyEvent, GolemProjectEvent, GolemTokenEvent } from '../golem.events';
import {
  type AccountDoc,
  GOLEM_PROJECTION_NAME,
  GOLEM_PROJECTION_VERSION,
  type GrantDoc,
  type PolicyDoc,
  type ProjectDoc,
  type TokenDoc,
} from './golem-read-model';

/** Logical collection names of the `golem` projection (stored as `golem1_<name>`). */
export const GOLEM_ACCOUNTS = 'accounts';
export const GOLEM_TOKENS = 'tokens';
export const GOLEM_PROJECTS = 'projects';
export const GOLEM_POLICIES = 'policies';
export const GOLEM_GRANTS = 'grants';

/** The account stream's slot bookkeeping (projectReserved/projectReleased) changes no document. */
type AccountCreatedEvent = Extract<GolemAccountEvent, { type: 'golem.account.created' }>;
type ProjectedEvent = AccountCreatedEvent | GolemTokenEvent | GolemProjectEvent | GolemPolicyEvent | GolemGrantEvent;

const PROJECTED_TYPES: readonly ProjectedEvent['type'][] = [
  'golem.account.created',
  'golem.token.created',
  'golem.token.deleted',
  'golem.project.created',
  'golem.project.deleted',
  'golem.policy.created',
  'golem.grant.created',
  'golem.grant.deleted',
];

/*
 * Golem objects are created once and afterwards only deleted, so each next document is a function
 * of the event alone: nothing is read before writing, and replaying an event writes the same
 * document (or deletes an already missing one) again. null = the object is gone.
 */

export function evolveAccount(event: RecordedEvent<AccountCreatedEvent>): AccountDoc {
  return { id: event.data.accountId, ...createdBy(event), name: event.data.name, email: event.data.email, planId: event.data.planId };
}

export function evolveToken(event: RecordedEvent<GolemTokenEvent>): TokenDoc | null {
  switch (event.type) {
    case 'golem.token.created':
      return {
        id: event.data.tokenId,
        ...createdBy(event),
        accountId: event.data.accountId,
        secretSha256: event.data.secretSha256,
        createdAt: event.data.createdAt,
        expiresAt: event.data.expiresAt,
      };
    case 'golem.token.deleted':
      return null;
  }
}

export function evolveProject(event: RecordedEvent<GolemProjectEvent>): ProjectDoc | null {
  switch (event.type) {
    case 'golem.project.created':
      return {
        id: event.data.projectId,
        ...createdBy(event),
        ownerAccountId: event.data.ownerAccountId,
        name: event.data.name,
        description: event.data.description,
        defaultEnvironmentId: event.data.defaultEnvironmentId,
        projectType: event.data.projectType,
      };
    case 'golem.project.deleted':
      return null;
  }
}

export function evolvePolicy(event: RecordedEvent<GolemPolicyEvent>): PolicyDoc {
  // The decider stores only vocabulary strings; a string outside it would grant nothing here anyway.
  return { id: event.data.policyId, ...createdBy(event), name: event.data.name, actions: actionSet(event.data.actions.filter(isProjectAction)) };
}

export function evolveGrant(event: RecordedEvent<GolemGrantEvent>): GrantDoc | null {
  switch (event.type) {
    case 'golem.grant.created':
      return {
        id: event.data.grantId,
        ...createdBy(event),
        projectId: event.data.projectId,
        granteeAccountId: event.data.granteeAccountId,
        policyId: event.data.policyId,
      };
    case 'golem.grant.deleted':
      // The project's deletion leaves its grants here until the cascade deletes them one by one:
      // the cascade reads them, and queries check that the project is live.
      return null;
  }
}

async function write(view: ProjectionView, collection: string, id: string, doc: Doc | null): Promise<void> {
  if (doc === null) await view.delete(collection, id);
  else await view.put(collection, doc);
}

/** Accounts, tokens, projects, policies and grants of the Golem dialect (golem-api.md §6.4). */
export const golemProjection: Projection = {
  name: GOLEM_PROJECTION_NAME,
  version: GOLEM_PROJECTION_VERSION,
  handles: new Set<string>(PROJECTED_TYPES),
  collections: [
    { name: GOLEM_ACCOUNTS, indexes: [{ fields: ['email'] }] },
    { name: GOLEM_TOKENS, indexes: [{ fields: ['secretSha256'] }, { fields: ['accountId', 'createdPosition'] }] },
    {
      name: GOLEM_PROJECTS,
      indexes: [{ fields: ['ownerAccountId', 'createdPosition'] }, { fields: ['createdPosition'] }, { fields: ['name', 'createdPosition'] }],
    },
    { name: GOLEM_POLICIES, indexes: [] },
    { name: GOLEM_GRANTS, indexes: [{ fields: ['projectId', 'createdPosition'] }, { fields: ['granteeAccountId', 'projectId'] }] },
  ],
  async apply(raw, view) {
    const event = raw as RecordedEvent<GolemEvent>;
    switch (event.type) {
      case 'golem.account.created':
        return view.put(GOLEM_ACCOUNTS, evolveAccount(event));
      case 'golem.token.created':
      case 'golem.token.deleted':
        return write(view, GOLEM_TOKENS, event.data.tokenId, evolveToken(event));
      case 'golem.project.created':
      case 'golem.project.deleted':
        return write(view, GOLEM_PROJECTS, event.data.projectId, evolveProject(event));
      case 'golem.policy.created':
        return view.put(GOLEM_POLICIES, evolvePolicy(event));
      case 'golem.grant.created':
      case 'golem.grant.deleted':
        return write(view, GOLEM_GRANTS, event.data.grantId, evolveGrant(event));
      case 'golem.account.projectReserved':
      case 'golem.account.projectReleased':
        return;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
