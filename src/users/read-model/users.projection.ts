import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import { LOOKUP_COLLECTIONS, LOOKUP_EVENT_TYPES, getOrg, updateLookups } from '../../projections/lookups';
import { type DocDetails, type Projection, createdBy } from '../../projections/projection';
import type { UserEvent } from '../user.events';

export interface UserDoc extends Doc, DocDetails {
  readonly state: 'active';
  readonly userName: string;
  readonly preferredLoginName: string;
  readonly human?: {
    readonly profile: {
      readonly firstName: string;
      readonly lastName: string;
      readonly nickName: string;
      readonly displayName: string;
      readonly preferredLanguage: string;
      readonly gender: number;
    };
    readonly email: { readonly email: string; readonly isEmailVerified: boolean };
    readonly phone: { readonly phone: string; readonly isPhoneVerified: boolean };
  };
  readonly machine?: { readonly name: string; readonly description: string; readonly accessTokenType: number };
}

export const USERS = 'users';

/** Pure: the user document after one of its events, given the domain of the user's org. */
export function evolveUser(doc: UserDoc | null, event: RecordedEvent<UserEvent>, orgDomain: string): UserDoc | null {
  const id = event.stream.slice('user-'.length);
  switch (event.type) {
    case 'user.human.added': {
      const d = event.data;
      return {
        id,
        ...createdBy(event),
        state: 'active',
        userName: d.userName,
        preferredLoginName: `${d.userName}@${orgDomain}`,
        human: {
          profile: {
            firstName: d.firstName,
            lastName: d.lastName,
            nickName: d.nickName ?? '',
            displayName: d.displayName,
            preferredLanguage: d.preferredLanguage ?? '',
            gender: d.gender ?? 0,
          },
          email: { email: d.email, isEmailVerified: d.isEmailVerified ?? false },
          phone: { phone: d.phone ?? '', isPhoneVerified: d.isPhoneVerified ?? false },
        },
      };
    }
    case 'user.machine.added':
      return {
        id,
        ...createdBy(event),
        state: 'active',
        userName: event.data.userName,
        preferredLoginName: `${event.data.userName}@${orgDomain}`,
        machine: { name: event.data.name, description: event.data.description ?? '', accessTokenType: event.data.accessTokenType ?? 0 },
      };
    case 'user.removed':
      return null;
  }
}

const USER_TYPES = new Set(['user.human.added', 'user.machine.added', 'user.removed']);
const lookups = new Set(['orgs'] as const);

/** GetUserByID. Keeps an org look-up for `preferredLoginName`. */
export const usersProjection: Projection = {
  name: 'users',
  version: 1,
  handles: new Set([...USER_TYPES, ...LOOKUP_EVENT_TYPES.orgs]),
  collections: [{ name: USERS, indexes: [{ fields: ['resourceOwner', 'createdPosition'] }] }, LOOKUP_COLLECTIONS.orgs],
  async apply(event, view) {
    await updateLookups(lookups, event, view);
    if (!USER_TYPES.has(event.type)) return;
    const id = event.stream.slice('user-'.length);
    const org = await getOrg(view, event.metadata.resourceOwner);
    const next = evolveUser((await view.get(USERS, id)) as UserDoc | null, event as RecordedEvent<UserEvent>, org?.primaryDomain ?? '');
    if (next === null) await view.delete(USERS, id);
    else await view.put(USERS, next);
  },
};
