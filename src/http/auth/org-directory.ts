import type { EventStore } from '../../kernel/event-store.port';

/**
 * Answers "does this org exist?" from the event store, so the acting-org check sees every
 * acknowledged AddOrg at once. Orgs are never removed, so positive answers are cached.
 */
export class OrgDirectory {
  private readonly known = new Set<string>();

  constructor(private readonly eventStore: EventStore) {}

  async exists(orgId: string): Promise<boolean> {
    if (this.known.has(orgId)) return true;
    const events = await this.eventStore.readStream(`org-${orgId}`);
    const exists = events.some((event) => event.type === 'org.added');
    if (exists) this.known.add(orgId);
    return exists;
  }
}
