/**
 * The kinds of failure the domain knows. Each dialect maps a kind to its own wire shape
 * (ZITADEL: gRPC code + HTTP status; Golem: status + body) in one exception filter.
 */
export type ErrorKind =
  | 'invalid_argument'
  | 'failed_precondition'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'conflict'
  | 'unavailable'
  | 'unimplemented'
  | 'internal';

/** A business or request error with a stable id that clients match on. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Unique, never-changing id (`COMMAND-m9gsd`). */
    readonly id: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const failedPrecondition = (id: string, message: string) => new DomainError('failed_precondition', id, message);
export const notFound = (id: string, message: string) => new DomainError('not_found', id, message);
export const alreadyExists = (id: string, message: string) => new DomainError('already_exists', id, message);
export const invalidArgument = (id: string, message: string) => new DomainError('invalid_argument', id, message);
export const permissionDenied = (id: string, message: string) => new DomainError('permission_denied', id, message);
