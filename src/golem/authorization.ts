import { type CheckedAction, PROJECT_ACTIONS, type ProjectAction, actionSet } from './actions';
import type { Caller } from './golem.application';
import { accountAccessDenied, adminOnly, projectAccessDenied, projectActionDenied } from './golem-error';

/**
 * Golem's authorization (golem-api.md §5) as pure functions over data the use case has already
 * read, fresh (§5.6). Every failure is a GolemError carrying the exact text of §3.1.
 */

export interface ProjectRef {
  readonly id: string;
  readonly ownerAccountId: string;
}

/** What §5.2 reads about one project for one caller. */
export interface ProjectAccessFacts<P extends ProjectRef = ProjectRef> {
  /** The live project, or null when it is missing or deleted. */
  readonly project: P | null;
  /** The caller's live grants on the project. */
  readonly grants: readonly { readonly granteeAccountId: string; readonly projectId: string; readonly policyId: string }[];
  /** The policies of those grants. */
  readonly policies: readonly { readonly id: string; readonly actions: readonly ProjectAction[] }[];
}

const PLUGIN_INSTALLATION_WRITES: readonly ProjectAction[] = ['CreatePluginInstallation', 'UpdatePluginInstallation', 'DeletePluginInstallation'];

/** §5.2: the caller's effective actions, vocabulary order; no access → "Access to project …". */
export function effectiveActions(caller: Caller, projectId: string, facts: ProjectAccessFacts): ProjectAction[] {
  return access(caller, projectId, facts).effective;
}

function access<P extends ProjectRef>(caller: Caller, projectId: string, facts: ProjectAccessFacts<P>): { project: P; effective: ProjectAction[] } {
  const project = facts.project;
  if (project === null || project.id !== projectId) throw projectAccessDenied(projectId);
  if (caller.isAdmin || caller.accountId === project.ownerAccountId) return { project, effective: [...PROJECT_ACTIONS] };
  const grants = facts.grants.filter((grant) => grant.projectId === projectId && grant.granteeAccountId === caller.accountId);
  // Without a grant the project is indistinguishable from a missing one.
  if (grants.length === 0) throw projectAccessDenied(projectId);
  const policies = new Map(facts.policies.map((policy) => [policy.id, policy.actions]));
  return { project, effective: actionSet(grants.flatMap((grant) => policies.get(grant.policyId) ?? [])) };
}

/** §5.3: is `action` allowed by the effective set? Covers the two implied actions of §4. */
export function allows(effective: readonly ProjectAction[], action: CheckedAction): boolean {
  switch (action) {
    case 'ViewProject':
      return effective.length > 0;
    case 'BatchUpdatePluginInstallations':
      return PLUGIN_INSTALLATION_WRITES.every((needed) => effective.includes(needed));
    default:
      return effective.includes(action);
  }
}

/** §5.3: authorizes `action` on the project and returns the project it was authorized on. */
export function authorize<P extends ProjectRef>(caller: Caller, projectId: string, action: CheckedAction, facts: ProjectAccessFacts<P>): P {
  const { project, effective } = access(caller, projectId, facts);
  if (!allows(effective, action)) throw projectActionDenied(action, projectId);
  return project;
}

/** §5.4 CreateAccount: Admin only. */
export function checkAdmin(caller: Caller): void {
  if (!caller.isAdmin) throw adminOnly();
}

/**
 * §5.4 CreateProject and the token checks: the target account must exist (even for Admin), then
 * the caller must be it or Admin.
 */
export function checkSelfOrAdmin(caller: Caller, targetAccountId: string, targetExists: boolean): void {
  if (!targetExists) throw accountAccessDenied(targetAccountId);
  if (!caller.isAdmin && caller.accountId !== targetAccountId) throw adminOnly();
}

/**
 * §5.4 ViewAccount: the target (null when unknown) is visible to itself, to Admin, and to holders
 * of a live grant on a live project it owns (one-way). Unknown and invisible get the same answer.
 */
export function checkViewAccount<A>(caller: Caller, targetAccountId: string, target: A | null, callerHoldsGrantOnTargetsProject: boolean): A {
  const visible = caller.isAdmin || caller.accountId === targetAccountId || callerHoldsGrantOnTargetsProject;
  if (target === null || !visible) throw accountAccessDenied(targetAccountId);
  return target;
}
