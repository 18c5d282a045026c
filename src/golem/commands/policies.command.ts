import type { ProjectAction } from '../actions';
import type { GolemRequest } from '../golem.application';

/** Creates an (immutable) project policy (golem-api.md §3.6). */
export class CreatePolicyCommand {
  constructor(
    readonly request: GolemRequest,
    readonly input: { readonly name: string; readonly actions: readonly ProjectAction[] },
  ) {}
}
