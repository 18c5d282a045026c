import { createHash, timingSafeEqual } from 'node:crypto';

/** The platform's bootstrap token, as both dialects recognise it: compared in constant time. */
export class BootstrapToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  /** Comparing digests keeps the comparison constant-time whatever the presented length. */
  matches(presented: string): boolean {
    return timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
