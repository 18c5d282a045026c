import type { BootstrapToken } from '../auth/bootstrap-token';
import { isUuid } from './golem-validation';
export { secretSha256 } from '../../golem/tokens/token-secret';

/** What a request presents as its credential (golem-api.md §1.2, rows 1–2). */
export type GolemCredential =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'bootstrap' }
  /** A token secret in lower-case canonical form. */
  | { readonly kind: 'secret'; readonly secret: string };

export const SESSION_COOKIE = 'GOLEM_SESSION';

/**
 * Reads the credential of a request. A present Authorization header is authoritative, even when
 * malformed; the GOLEM_SESSION cookie is read only without one. The bootstrap token is recognised
 * before the UUID check, so an operator-chosen token that is no UUID still works.
 */
export function readCredential(authorization: string | undefined, cookie: string | undefined, bootstrap: BootstrapToken): GolemCredential {
  let presented: string;
  if (authorization !== undefined) {
    // `Bearer` in any case, then one or more spaces.
    const match = /^bearer +(.*)$/is.exec(authorization);
    if (match?.[1] === undefined) return { kind: 'malformed' };
    presented = match[1];
  } else {
    const session = cookie === undefined ? undefined : cookieValue(cookie, SESSION_COOKIE);
    if (session === undefined) return { kind: 'missing' };
    presented = session;
  }
  if (bootstrap.matches(presented)) return { kind: 'bootstrap' };
  if (!isUuid(presented)) return { kind: 'malformed' };
  return { kind: 'secret', secret: presented.toLowerCase() };
}

/**
 * The value of cookie `name` in a Cookie header (RFC 6265 §5.4 pairs), without its optional double
 * quotes. When the name repeats, the last pair wins, as in Golem's cookie jar.
 */
export function cookieValue(header: string, name: string): string | undefined {
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    found = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return found;
}

