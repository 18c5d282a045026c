import { v7 } from 'uuid';
import type { Clock, IdGenerator } from '../kernel/clock.port';

/** Time-ordered ids (UUIDv7, lower-case canonical form). */
export class UuidV7Generator implements IdGenerator {
  newId(): string {
    return v7();
  }
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
