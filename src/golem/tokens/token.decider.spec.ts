import { fold, given, thenEvents, thenGolemError } from '../../../test/support/given';
import type { GolemTokenEvent } from '../golem.events';
import { decideCreateToken, decideDeleteToken, golemTokenAggregate } from './token.decider';

const ALICE = '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01';
const BOB = '01980a3c-8e63-7b52-8e1f-6a3c9d2f5b02';
const T = '01980a3c-a1b2-7c50-9d63-1e2f3a4b5c50';
const HASH = 'a'.repeat(64);

const create = { tokenId: T, accountId: ALICE, secretSha256: HASH, createdAt: '2025-07-10T09:30:12.345Z', expiresAt: '2100-01-01T00:00:00.000Z' };
const created: GolemTokenEvent = { type: 'golem.token.created', data: create };
const deleted: GolemTokenEvent = { type: 'golem.token.deleted', data: { tokenId: T, accountId: ALICE } };
const stateAfter = (events: readonly GolemTokenEvent[]) => fold(golemTokenAggregate, given(`golem.token-${T}`, events, { resourceOwner: ALICE, actor: ALICE }));


describe('CreateToken', () => {
  it('given no token, when created, then golem.token.created with the hash and both instants, never a secret', () => {
    thenEvents(() => decideCreateToken(create, stateAfter([])), [created]);
    expect(Object.keys(decideCreateToken(create, stateAfter([]))[0]?.data ?? {})).toEqual(['tokenId', 'accountId', 'secretSha256', 'createdAt', 'expiresAt']);
  });

  it('given the token exists, when created again, then a conflict', () => {
    thenGolemError(() => decideCreateToken(create, stateAfter([created])), 'conflict', `Token \`${T}\` already exists`);
  });
});

describe('DeleteToken', () => {
  it('given a live token of the path account, when deleted, then golem.token.deleted', () => {
    thenEvents(() => decideDeleteToken({ tokenId: T, accountId: ALICE }, stateAfter([created])), [deleted]);
  });

  it.each([
    ['unknown', [] as GolemTokenEvent[], ALICE],
    ['already deleted', [created, deleted], ALICE],
    ["another account's", [created], BOB],
  ])('given an %s token, when deleted, then 404 "Unknown token: <id>"', (_, history, accountId) => {
    thenGolemError(() => decideDeleteToken({ tokenId: T, accountId }, stateAfter(history)), 'not_found', `Unknown token: ${T}`);
  });
});
