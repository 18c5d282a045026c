import { type AggregateType, NO_CLAIMS, type UniqueClaims, type UniqueKey } from '../../kernel/aggregate';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import { type GolemAccountEvent, ADMIN_ACCOUNT, GOLEM_PLAN_ID, GOLEM_STREAMS } from '../golem.events';
import { GolemError, accountAccessDenied } from '../golem-error';

export interface GolemAccountState {
  readonly exists: boolean;
  readonly email: string;
  /** Projects whose slot is reserved and not released, in reservation order: the owned-project count. */
  readonly reservedProjects: readonly string[];
  /** Commit time (ms) of each held reservation, to tell an abandoned one (§6.5). */
  readonly reservedAt: Readonly<Record<string, number>>;
}

/** A reservation whose project is not created within this time was interrupted (§6.5). */
export const ABANDONED_AFTER_MS = 60_000;

/** Unique-key kind of an account's e-mail: exact and case-sensitive, as Golem compares it (§3.2). */
export const GOLEM_EMAIL_KEY = 'golem.email';

export const emailTaken = (email: string) => new GolemError('conflict', `Account with email \`${email}\` already exists`);

export const projectLimitExceeded = (limit: number) =>
  new GolemError('conflict', `Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: ${limit})`);

/**
 * The Golem account (stream `golem.account-<id>`, `golem.account-admin` for the built-in admin).
 * It also records project ownership, so the plan limit is decided in one stream (§6.5).
 *
 * Deviation from golem-api.md §6.1/§6.5: e-mail uniqueness is not a `golem.email-<sha256>` stream
 * with `golem.email.reserved` events. It is the platform's unique-key reservation (`uniqueClaims`,
 * kind `golem.email`, value = the exact e-mail) that every other dialect uses: the same guarantee
 * (one account per e-mail, taken before the account is written, an abandoned reservation recovered
 * by the next attempt) without a second reservation mechanism.
 */
export const golemAccountAggregate: AggregateType<GolemAccountState, GolemAccountEvent> = {
  type: GOLEM_STREAMS.account,
  initialState: { exists: false, email: '', reservedProjects: [], reservedAt: {} },
  evolve(state: GolemAccountState, event: RecordedEvent<GolemAccountEvent>): GolemAccountState {
    switch (event.type) {
      case 'golem.account.created':
        return { ...state, exists: true, email: event.data.email };
      case 'golem.account.projectReserved':
        return {
          ...state,
          reservedProjects: [...state.reservedProjects, event.data.projectId],
          reservedAt: { ...state.reservedAt, [event.data.projectId]: event.createdAt.getTime() },
        };
      case 'golem.account.projectReleased': {
        const projectId = event.data.projectId;
        const { [projectId]: _released, ...reservedAt } = state.reservedAt;
        return { ...state, reservedProjects: state.reservedProjects.filter((id) => id !== projectId), reservedAt };
      }
      default:
        return assertNever(event);
    }
  },
  uniqueClaims(event: GolemAccountEvent): UniqueClaims {
    switch (event.type) {
      case 'golem.account.created':
        return { claim: [emailKey(event.data.email)], release: [] };
      case 'golem.account.projectReserved':
      case 'golem.account.projectReleased':
        return NO_CLAIMS;
      default:
        return assertNever(event);
    }
  },
};

export function emailKey(email: string): UniqueKey {
  return { kind: GOLEM_EMAIL_KEY, value: email };
}

export interface CreateGolemAccount {
  readonly accountId: string;
  readonly name: string;
  readonly email: string;
}

/** POST /v1/accounts. The id is new, so an existing stream can only be a replayed request. */
export function decideCreateAccount(command: CreateGolemAccount, state: GolemAccountState): readonly GolemAccountEvent[] {
  if (state.exists) throw new GolemError('conflict', `Account \`${command.accountId}\` already exists`);
  return [
    {
      type: 'golem.account.created',
      data: { accountId: command.accountId, name: command.name, email: command.email, planId: GOLEM_PLAN_ID, builtIn: false },
    },
  ];
}

/** The built-in `admin`, written once at first start; every later start finds it and appends nothing. */
export function decideEnsureBuiltInAdmin(state: GolemAccountState): readonly GolemAccountEvent[] {
  if (state.exists) return [];
  return [
    {
      type: 'golem.account.created',
      data: { accountId: ADMIN_ACCOUNT.id, name: ADMIN_ACCOUNT.name, email: ADMIN_ACCOUNT.email, planId: ADMIN_ACCOUNT.planId, builtIn: true },
    },
  ];
}

export interface ReserveProjectSlot {
  readonly accountId: string;
  readonly projectId: string;
  /** The plan's projectLimit: at most this many live owned projects (deviation §7.5: exact). */
  readonly limit: number;
  /** Now (ms), and the owner's live projects as the fresh read model has them. */
  readonly now: number;
  readonly liveProjects: ReadonlySet<string>;
}

/**
 * Step 2 of POST /v1/projects: refuse at `count ≥ limit`, else take a slot for the new project.
 * At the limit, reservations older than ABANDONED_AFTER_MS whose project is not live are given
 * back first (reason `abandoned`): a create interrupted between its two appends must not hold its
 * slot until the slots reactor happens to see a later event, which on a quiet system is never.
 */
export function decideReserveProject(command: ReserveProjectSlot, state: GolemAccountState): readonly GolemAccountEvent[] {
  if (!state.exists) throw accountAccessDenied(command.accountId);
  // A retried reservation for the same project takes no second slot.
  if (state.reservedProjects.includes(command.projectId)) return [];
  const abandoned =
    state.reservedProjects.length < command.limit
      ? []
      : state.reservedProjects.filter((id) => !command.liveProjects.has(id) && command.now - (state.reservedAt[id] ?? command.now) >= ABANDONED_AFTER_MS);
  if (state.reservedProjects.length - abandoned.length >= command.limit) throw projectLimitExceeded(command.limit);
  return [
    ...abandoned.map((projectId): GolemAccountEvent => ({
      type: 'golem.account.projectReleased',
      data: { accountId: command.accountId, projectId, reason: 'abandoned' },
    })),
    { type: 'golem.account.projectReserved', data: { accountId: command.accountId, projectId: command.projectId } },
  ];
}

export interface ReleaseProjectSlot {
  readonly accountId: string;
  readonly projectId: string;
  readonly reason: 'deleted' | 'abandoned';
}

/**
 * Gives a slot back. Idempotent: the delete handler and the slots reactor may both try to release
 * the same slot, and only the first one writes.
 */
export function decideReleaseProject(command: ReleaseProjectSlot, state: GolemAccountState): readonly GolemAccountEvent[] {
  if (!state.reservedProjects.includes(command.projectId)) return [];
  return [{ type: 'golem.account.projectReleased', data: { accountId: command.accountId, projectId: command.projectId, reason: command.reason } }];
}
