import type { Event } from '../kernel/event';

/** Events of the user stream (`user-<id>`). */
export type HumanUserAdded = Event<
  'user.human.added',
  {
    readonly userName: string;
    readonly firstName: string;
    readonly lastName: string;
    readonly nickName?: string;
    readonly displayName: string;
    readonly preferredLanguage?: string;
    readonly gender?: number;
    readonly email: string;
    readonly isEmailVerified?: boolean;
    readonly phone?: string;
    readonly isPhoneVerified?: boolean;
  }
>;
export type MachineUserAdded = Event<
  'user.machine.added',
  { readonly userName: string; readonly name: string; readonly description?: string; readonly accessTokenType?: number }
>;
export type UserRemoved = Event<'user.removed', null>;

export type UserEvent = HumanUserAdded | MachineUserAdded | UserRemoved;

export const USER_EVENT_TYPES = ['user.human.added', 'user.machine.added', 'user.removed'] as const satisfies readonly UserEvent['type'][];
