import type { GolemRequest } from '../golem.application';

/** Creates an account (golem-api.md §3.2). */
export class CreateAccountCommand {
  constructor(
    readonly request: GolemRequest,
    readonly input: { readonly name: string; readonly email: string },
  ) {}
}

/** Creates a token for an account (golem-api.md §3.3); `expiresAt` may be in the past. */
export class CreateTokenCommand {
  constructor(
    readonly request: GolemRequest,
    readonly accountId: string,
    readonly expiresAt: Date,
  ) {}
}

/** Deletes an account's token (golem-api.md §3.3). */
export class DeleteTokenCommand {
  constructor(
    readonly request: GolemRequest,
    readonly accountId: string,
    readonly tokenId: string,
  ) {}
}
