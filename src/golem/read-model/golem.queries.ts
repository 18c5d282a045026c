import type { Doc, Filter, ReadStore } from '../../kernel/read-store.port';
import { physicalCollection } from '../../projections/projection';
import type { AccountDoc, GolemReadModel, GrantDoc, PolicyDoc, ProjectDoc, TokenDoc } from './golem-read-model';
import { GOLEM_ACCOUNTS, GOLEM_GRANTS, GOLEM_POLICIES, GOLEM_PROJECTS, GOLEM_TOKENS, golemProjection } from './golem.projection';

const CREATION_ORDER = [{ field: 'createdPosition', direction: 'asc' }] as const;
/** Ids per `in` condition, well under SQLite's bound-parameter limit. */
const IN_CHUNK = 500;
/** Look-ups by id in flight at once: an account may hold grants on many projects. */
const GETS_IN_FLIGHT = 16;

/**
 * The Golem read models over the read store. Deleted objects have no document, so what is found is
 * live; a deleted project's grants may outlive it until the cascade runs, which is why the queries
 * that start from grants keep only those whose project is still there.
 */
export class GolemReadStoreModel implements GolemReadModel {
  private readonly accounts = physicalCollection(golemProjection, GOLEM_ACCOUNTS);
  private readonly tokens = physicalCollection(golemProjection, GOLEM_TOKENS);
  private readonly projects = physicalCollection(golemProjection, GOLEM_PROJECTS);
  private readonly policyDocs = physicalCollection(golemProjection, GOLEM_POLICIES);
  private readonly grants = physicalCollection(golemProjection, GOLEM_GRANTS);

  constructor(private readonly readStore: ReadStore) {}

  async account(accountId: string): Promise<AccountDoc | null> {
    return (await this.readStore.get(this.accounts, accountId)) as AccountDoc | null;
  }

  async accountByEmail(email: string): Promise<AccountDoc | null> {
    return this.first<AccountDoc>(this.accounts, [{ op: 'eq', field: 'email', value: email }]);
  }

  async token(tokenId: string): Promise<TokenDoc | null> {
    return (await this.readStore.get(this.tokens, tokenId)) as TokenDoc | null;
  }

  async tokenBySecretHash(secretSha256: string): Promise<TokenDoc | null> {
    return this.first<TokenDoc>(this.tokens, [{ op: 'eq', field: 'secretSha256', value: secretSha256 }]);
  }

  async tokensOf(accountId: string): Promise<readonly TokenDoc[]> {
    return this.list<TokenDoc>(this.tokens, [{ op: 'eq', field: 'accountId', value: accountId }]);
  }

  async project(projectId: string): Promise<ProjectDoc | null> {
    return (await this.readStore.get(this.projects, projectId)) as ProjectDoc | null;
  }

  async allProjects(name: string | undefined): Promise<readonly ProjectDoc[]> {
    return this.list<ProjectDoc>(this.projects, name === undefined ? [] : [{ op: 'eq', field: 'name', value: name }]);
  }

  async projectsVisibleTo(accountId: string, name: string | undefined): Promise<readonly ProjectDoc[]> {
    const byName: Filter = name === undefined ? [] : [{ op: 'eq', field: 'name', value: name }];
    const owned = await this.list<ProjectDoc>(this.projects, [{ op: 'eq', field: 'ownerAccountId', value: accountId }, ...byName]);
    const ownedIds = new Set(owned.map((project) => project.id));
    const grantedIds = (await this.grantedProjectIds(accountId)).filter((id) => !ownedIds.has(id));
    // By primary key: an `in` on the id field would scan the collection in both adapters.
    const granted = (await this.getAll(grantedIds, (id) => this.project(id))).filter(
      (project): project is ProjectDoc => project !== null && (name === undefined || project.name === name),
    );
    return inCreationOrder([...owned, ...granted]);
  }

  async policy(policyId: string): Promise<PolicyDoc | null> {
    return (await this.readStore.get(this.policyDocs, policyId)) as PolicyDoc | null;
  }

  async policies(policyIds: readonly string[]): Promise<readonly PolicyDoc[]> {
    const found = await this.getAll([...new Set(policyIds)], (id) => this.policy(id));
    return inCreationOrder(found.filter((policy): policy is PolicyDoc => policy !== null));
  }

  async grant(grantId: string): Promise<GrantDoc | null> {
    return (await this.readStore.get(this.grants, grantId)) as GrantDoc | null;
  }

  async grantsOfProject(projectId: string): Promise<readonly GrantDoc[]> {
    return this.list<GrantDoc>(this.grants, [{ op: 'eq', field: 'projectId', value: projectId }]);
  }

  async grantsOfGrantee(projectId: string, granteeAccountId: string): Promise<readonly GrantDoc[]> {
    return this.list<GrantDoc>(this.grants, [
      { op: 'eq', field: 'granteeAccountId', value: granteeAccountId },
      { op: 'eq', field: 'projectId', value: projectId },
    ]);
  }

  async holdsGrantOnProjectOf(granteeAccountId: string, ownerAccountId: string): Promise<boolean> {
    const projectIds = await this.grantedProjectIds(granteeAccountId);
    for (let start = 0; start < projectIds.length; start += IN_CHUNK) {
      // The owner index narrows to the owner's projects; only live ones have a document.
      const docs = await this.readStore.list(this.projects, {
        filter: [
          { op: 'eq', field: 'ownerAccountId', value: ownerAccountId },
          { op: 'in', field: 'id', values: projectIds.slice(start, start + IN_CHUNK) },
        ],
        limit: 1,
      });
      if (docs.length > 0) return true;
    }
    return false;
  }

  /** Distinct projects on which the account holds at least one grant (their projects may be gone). */
  private async grantedProjectIds(granteeAccountId: string): Promise<string[]> {
    const docs = await this.readStore.list(this.grants, { filter: [{ op: 'eq', field: 'granteeAccountId', value: granteeAccountId }] });
    return [...new Set((docs as readonly GrantDoc[]).map((grant) => grant.projectId))];
  }

  private async getAll<T>(ids: readonly string[], get: (id: string) => Promise<T | null>): Promise<(T | null)[]> {
    const found: (T | null)[] = [];
    for (let start = 0; start < ids.length; start += GETS_IN_FLIGHT) {
      found.push(...(await Promise.all(ids.slice(start, start + GETS_IN_FLIGHT).map(get))));
    }
    return found;
  }

  private async list<T extends Doc>(collection: string, filter: Filter): Promise<readonly T[]> {
    return (await this.readStore.list(collection, { filter, sort: CREATION_ORDER })) as readonly T[];
  }

  /** The first match in creation order: these look-ups are unique by the deciders' rules. */
  private async first<T extends Doc>(collection: string, filter: Filter): Promise<T | null> {
    const docs = await this.readStore.list(collection, { filter, sort: CREATION_ORDER, limit: 1 });
    return (docs[0] as T | undefined) ?? null;
  }
}

function inCreationOrder<T extends Doc & { readonly createdPosition: number }>(docs: readonly T[]): T[] {
  return [...docs].sort((a, b) => a.createdPosition - b.createdPosition || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
