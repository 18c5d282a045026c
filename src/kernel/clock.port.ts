/** Wall clock, injected so deciders and tests never read the time themselves. */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('Clock');

/** Generates object and event ids (UUIDv7). */
export interface IdGenerator {
  newId(): string;
}
export const ID_GENERATOR = Symbol('IdGenerator');
