import type { ActingCommand } from '../../platform/command-context';
import type { AddProject } from '../project.decider';

/** Creates a project owned by the acting org. */
export class AddProjectCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly project: AddProject,
  ) {}
}
