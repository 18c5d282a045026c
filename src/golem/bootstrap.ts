import { v5 as uuidV5 } from 'uuid';
import type { CommandExecutor } from '../kernel/command-executor';
import { decideEnsureBuiltInAdmin, golemAccountAggregate } from './accounts/account.decider';
import { ADMIN_ACCOUNT_ID } from './golem.events';

/** Namespace of the built-in admin's event id: the same id at every start, so a racing start appends it once. */
const BOOTSTRAP_NAMESPACE = '3b0f6c1e-5d2a-4e8b-9f71-0a6c2d4e8b13';
const BOOTSTRAP_CORRELATION = 'golem-bootstrap';

/**
 * Writes the built-in `admin` account (golem-api.md §1.2) and its e-mail reservation at first
 * start. Every later start, or a second process starting at the same time, appends nothing.
 * Returns how many events it appended.
 */
export async function ensureGolemAdmin(executor: CommandExecutor): Promise<number> {
  const execution = await executor.execute(
    golemAccountAggregate,
    ADMIN_ACCOUNT_ID,
    { actor: ADMIN_ACCOUNT_ID, correlationId: BOOTSTRAP_CORRELATION, causationId: BOOTSTRAP_CORRELATION },
    (state) => {
      const events = decideEnsureBuiltInAdmin(state);
      return {
        events,
        resourceOwner: ADMIN_ACCOUNT_ID,
        eventIds: events.map((_, index) => uuidV5(`golem.account-${ADMIN_ACCOUNT_ID}:${index}`, BOOTSTRAP_NAMESPACE)),
      };
    },
  );
  return execution.appended.length;
}
