import type { GolemMethod } from './golem-routes';

/** Golem's two error bodies (golem-api.md §1.4): `ErrorsBody` for 400, `ErrorBody` otherwise. */
export type GolemErrorBody = { readonly error: string } | { readonly errors: readonly string[] };

/** A failure of the request pipeline, already in its wire form: status, body and extra headers. */
export class GolemHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: GolemErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super('error' in body ? body.error : body.errors.join('; '));
    this.name = 'GolemHttpError';
  }
}

const errorBody = (status: number, error: string, headers: Readonly<Record<string, string>> = {}) => new GolemHttpError(status, { error }, headers);

export const routeNotFound = () => errorBody(404, 'Route not found');
export const methodNotAllowed = (allow: readonly GolemMethod[]) => errorBody(405, 'Method not allowed', { allow: allow.join(', ') });

export const missingToken = () => errorBody(401, 'Invalid Token: Missing auth token.');
export const malformedToken = () => errorBody(401, 'Invalid Token: Malformed auth token.');
export const unknownToken = () => errorBody(401, 'Invalid Token: Unknown token secret.');
export const expiredToken = () => errorBody(401, 'Invalid Token: Expired auth token.');

export const notFresh = () => errorBody(503, 'Read models are catching up; retry the request', { 'retry-after': '1' });

export const unsupportedMediaType = () => errorBody(415, 'Unsupported Content-Type: expected application/json');
export const bodyTooLarge = () => errorBody(413, 'Request body too large: limit is 65536 bytes');

export const syntaxErrors = (problems: readonly string[]) => new GolemHttpError(400, { errors: problems });

export const concurrentModification = () => errorBody(409, 'Conflict: concurrent modification, retry the request');
export const internalError = (reference: string) => errorBody(500, `Internal server error (reference ${reference})`);
