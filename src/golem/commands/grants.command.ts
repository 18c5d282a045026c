import type { GolemRequest, GrantInput } from '../golem.application';

/** Grants a project to an account (golem-api.md §3.5). */
export class CreateGrantCommand {
  constructor(
    readonly request: GolemRequest,
    readonly projectId: string,
    readonly input: GrantInput,
  ) {}
}

/** Deletes a project grant; unknown, deleted or foreign grants still succeed (golem-api.md §3.5). */
export class DeleteGrantCommand {
  constructor(
    readonly request: GolemRequest,
    readonly projectId: string,
    readonly grantId: string,
  ) {}
}
