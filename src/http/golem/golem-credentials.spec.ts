import { createHash } from 'node:crypto';
import { BootstrapToken } from '../auth/bootstrap-token';
import { cookieValue, readCredential, secretSha256 } from './golem-credentials';

const SECRET = '5f0c3e9a-2b7d-4c1e-9a8f-6d3b2e1c0f47';
const OTHER = '01980a3c-8e63-7b52-8e1f-6a3c9d2f5b02';

describe('readCredential (golem-api.md §1.2 rows 1–2)', () => {
  const operatorToken = new BootstrapToken('operator-chosen token, not a UUID');
  const read = (authorization: string | undefined, cookie?: string) => readCredential(authorization, cookie, operatorToken);

  it('given neither an Authorization header nor a GOLEM_SESSION cookie, then the credential is missing', () => {
    expect(read(undefined)).toEqual({ kind: 'missing' });
    expect(read(undefined, 'other=1; GOLEM_SESSIONX=2; golem_session=3')).toEqual({ kind: 'missing' });
  });

  it('given `Bearer` in any case followed by one or more spaces and a UUID, then the secret in lower case', () => {
    for (const header of [`Bearer ${SECRET}`, `bearer ${SECRET}`, `BEARER   ${SECRET}`, `bEaReR ${SECRET.toUpperCase()}`]) {
      expect(read(header)).toEqual({ kind: 'secret', secret: SECRET });
    }
  });

  it('given a malformed Authorization header, then malformed, even when a valid cookie is also sent', () => {
    for (const header of ['', 'Bearer', 'Bearer ', `Bearer not-a-uuid`, `Basic ${SECRET}`, `Bearer\t${SECRET}`, `Bearer${SECRET}`, `Bearer ${SECRET} x`, SECRET]) {
      expect(read(header, `GOLEM_SESSION=${OTHER}`)).toEqual({ kind: 'malformed' });
    }
  });

  it('given a present Authorization header, then the cookie is not read at all', () => {
    expect(read(`Bearer ${SECRET}`, `GOLEM_SESSION=${OTHER}`)).toEqual({ kind: 'secret', secret: SECRET });
  });

  it('given only the GOLEM_SESSION cookie, then its value is the credential', () => {
    expect(read(undefined, `a=b; GOLEM_SESSION=${SECRET.toUpperCase()}; c=d`)).toEqual({ kind: 'secret', secret: SECRET });
    expect(read(undefined, `GOLEM_SESSION="${SECRET}"`)).toEqual({ kind: 'secret', secret: SECRET });
    expect(read(undefined, 'GOLEM_SESSION=not-a-uuid')).toEqual({ kind: 'malformed' });
    expect(read(undefined, 'GOLEM_SESSION=')).toEqual({ kind: 'malformed' });
  });

  it('given the bootstrap token, then it is recognised before the UUID check, from the header or the cookie', () => {
    expect(read('Bearer operator-chosen token, not a UUID')).toEqual({ kind: 'bootstrap' });
    const simple = new BootstrapToken('simple-token');
    expect(readCredential(undefined, 'GOLEM_SESSION=simple-token', simple)).toEqual({ kind: 'bootstrap' });
    expect(readCredential('Bearer simple-tokenx', undefined, simple)).toEqual({ kind: 'malformed' });
  });

  it('given a UUID bootstrap token, then that exact value is the bootstrap credential, not a token secret', () => {
    const uuidToken = new BootstrapToken(SECRET);
    expect(readCredential(`Bearer ${SECRET}`, undefined, uuidToken)).toEqual({ kind: 'bootstrap' });
    expect(readCredential(`Bearer ${OTHER}`, undefined, uuidToken)).toEqual({ kind: 'secret', secret: OTHER });
  });
});

describe('cookieValue', () => {
  it('given the cookie several times, then the last one wins; surrounding blanks are ignored', () => {
    expect(cookieValue(' GOLEM_SESSION = a ;GOLEM_SESSION=b', 'GOLEM_SESSION')).toBe('b');
    expect(cookieValue('x=1;y', 'GOLEM_SESSION')).toBeUndefined();
    expect(cookieValue('GOLEM_SESSION=a=b', 'GOLEM_SESSION')).toBe('a=b');
  });
});

describe('secretSha256', () => {
  it('is the hex SHA-256 of the lower-case canonical secret, whatever case the secret came in', () => {
    const expected = createHash('sha256').update(SECRET).digest('hex');
    expect(secretSha256(SECRET)).toBe(expected);
    expect(secretSha256(SECRET.toUpperCase())).toBe(expected);
  });
});
