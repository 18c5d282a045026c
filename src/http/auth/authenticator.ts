import { DomainError } from '../../kernel/domain-error';
import { BootstrapToken } from './bootstrap-token';
import { INSTANCE_ADMINISTRATOR, type Principal } from './principal';

/**
 * Resolves the bearer token of a request to a principal. Only the bootstrap token exists so far;
 * personal access tokens slot in here (looked up by hash) without touching the guards.
 */
export class Authenticator {
  private readonly bootstrap: BootstrapToken;
  /**
   * Authorization header values already verified. A client sends the same header on every call,
   * and hashing it each time was a measurable share of a cheap read. Only successes are kept (so
   * wrong tokens cannot fill it), the map is bounded, and it lives in memory only: nothing here is
   * ever logged. Revocable tokens (personal access tokens) will need to evict their entry.
   */
  private readonly verified = new Map<string, Principal>();

  constructor(
    bootstrapToken: string,
    private readonly rememberAtMost = 1024,
  ) {
    this.bootstrap = new BootstrapToken(bootstrapToken);
  }

  authenticate(authorization: string | undefined): Principal {
    if (authorization === undefined || authorization === '') {
      throw new DomainError('unauthenticated', 'GRANTLINE-NoToken', 'Authentication required: send an Authorization: Bearer token');
    }
    const known = this.verified.get(authorization);
    if (known !== undefined) return known;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined && this.bootstrap.matches(match[1])) {
      if (this.verified.size >= this.rememberAtMost) this.verified.clear();
      this.verified.set(authorization, INSTANCE_ADMINISTRATOR);
      return INSTANCE_ADMINISTRATOR;
    }
    throw new DomainError('unauthenticated', 'AUTH-7fs1e', 'Token is invalid');
  }
}
