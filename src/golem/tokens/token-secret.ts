import { createHash } from 'node:crypto';

/**
 * What is stored of a token secret, and what authentication looks up (golem-api.md §1.2): SHA-256
 * (hex) of its lower-case canonical form. A leaked database holds no usable credential.
 */
export function secretSha256(secret: string): string {
  return createHash('sha256').update(secret.toLowerCase()).digest('hex');
}
