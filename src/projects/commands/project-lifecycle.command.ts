import type { ActingCommand } from '../../platform/command-context';

/** Changes a role's display name and group (UpdateProjectRole). */
export class UpdateProjectRoleCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
    readonly key: string,
    readonly displayName: string,
    readonly group: string,
  ) {}
}

/** Removes a role from a project and from every grant holding it (RemoveProjectRole). */
export class RemoveProjectRoleCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
    readonly key: string,
  ) {}
}

/** Removes a project of the acting org (RemoveProject). */
export class RemoveProjectCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
  ) {}
}
