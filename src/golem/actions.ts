/**
 * Golem's project action vocabulary (golem-api.md §4): 30 wire strings, in the order every action
 * array is emitted. `ViewProject` and `BatchUpdatePluginInstallations` are implied, never stored.
 */
export const PROJECT_ACTIONS = [
  'ViewComponent',
  'CreateComponent',
  'UpdateComponent',
  'DeleteComponent',
  'ViewWorker',
  'CreateWorker',
  'UpdateWorker',
  'DeleteWorker',
  'ViewProjectGrants',
  'CreateProjectGrants',
  'DeleteProjectGrants',
  'ViewApiDefinition',
  'CreateApiDefinition',
  'UpdateApiDefinition',
  'DeleteApiDefinition',
  'DeleteProject',
  'ViewPluginInstallations',
  'CreatePluginInstallation',
  'UpdatePluginInstallation',
  'DeletePluginInstallation',
  'UpsertApiDeployment',
  'ViewApiDeployment',
  'DeleteApiDeployment',
  'UpsertApiDomain',
  'ViewApiDomain',
  'DeleteApiDomain',
  'ViewPluginDefinition',
  'CreatePluginDefinition',
  'UpdatePluginDefinition',
  'DeletePluginDefinition',
] as const;

export type ProjectAction = (typeof PROJECT_ACTIONS)[number];
/** Actions a route may check: the 30 plus the two implied ones. */
export type CheckedAction = ProjectAction | 'ViewProject' | 'BatchUpdatePluginInstallations';

const ORDER: ReadonlyMap<string, number> = new Map(PROJECT_ACTIONS.map((action, index) => [action, index]));

export function isProjectAction(value: string): value is ProjectAction {
  return ORDER.has(value);
}

/** A set of actions: duplicates collapse, vocabulary order. */
export function actionSet(actions: Iterable<ProjectAction>): ProjectAction[] {
  return [...new Set(actions)].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0));
}
