import type { GolemRequest } from '../golem.application';

/** Creates a project (golem-api.md §3.4). */
export class CreateProjectCommand {
  constructor(
    readonly request: GolemRequest,
    readonly input: { readonly name: string; readonly ownerAccountId: string; readonly description: string },
  ) {}
}

/** Deletes a project (golem-api.md §3.4). */
export class DeleteProjectCommand {
  constructor(
    readonly request: GolemRequest,
    readonly projectId: string,
  ) {}
}
