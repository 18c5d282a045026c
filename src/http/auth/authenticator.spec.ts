import { DomainError } from '../../kernel/domain-error';
import { Authenticator } from './authenticator';
import { INSTANCE_ADMINISTRATOR } from './principal';

function rejection(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('Authenticator', () => {
  const token = 'bootstrap-secret-123';

  it('given the bootstrap token, then the caller is the instance administrator, every time', () => {
    const authenticator = new Authenticator(token);
    expect(authenticator.authenticate(`Bearer ${token}`)).toBe(INSTANCE_ADMINISTRATOR);
    expect(authenticator.authenticate(`Bearer ${token}`)).toBe(INSTANCE_ADMINISTRATOR);
    expect(authenticator.authenticate(`bearer   ${token}  `)).toBe(INSTANCE_ADMINISTRATOR);
  });

  it('given no header, then GRANTLINE-NoToken; given another token, then AUTH-7fs1e, also after the right token was remembered', () => {
    const authenticator = new Authenticator(token);
    expect(rejection(() => authenticator.authenticate(undefined)).id).toBe('GRANTLINE-NoToken');
    authenticator.authenticate(`Bearer ${token}`);

    for (const wrong of [`Bearer ${token}x`, `Bearer ${token.slice(1)}`, token, `Basic ${token}`, `Bearer ${token} extra`]) {
      expect(rejection(() => authenticator.authenticate(wrong)).id).toBe('AUTH-7fs1e');
    }
  });

  it('given more verified header values than it remembers, then it starts over and still verifies each', () => {
    const authenticator = new Authenticator(token, 2);
    const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`];
    for (let round = 0; round < 3; round += 1) {
      for (const spelling of spellings) expect(authenticator.authenticate(spelling)).toBe(INSTANCE_ADMINISTRATOR);
    }
    expect(rejection(() => authenticator.authenticate('Bearer nope')).id).toBe('AUTH-7fs1e');
  });
});
