import type { AccountView, GrantView, PolicyView, ProjectView, TokenView, UnsafeTokenView } from '../../golem/golem.application';

/**
 * The objects of golem-api.md §2.2, rebuilt key by key: the wire has exactly these keys, in this
 * order, whatever else a view object may carry.
 */

export const accountWire = (account: AccountView) => ({ id: account.id, name: account.name, email: account.email, planId: account.planId });

export const tokenWire = (token: TokenView) => ({ id: token.id, accountId: token.accountId, createdAt: token.createdAt, expiresAt: token.expiresAt });

export const unsafeTokenWire = (token: UnsafeTokenView) => ({ data: tokenWire(token.data), secret: { value: token.secret.value } });

export const projectWire = (project: ProjectView) => ({
  projectId: project.projectId,
  projectData: {
    name: project.projectData.name,
    ownerAccountId: project.projectData.ownerAccountId,
    description: project.projectData.description,
    defaultEnvironmentId: project.projectData.defaultEnvironmentId,
    projectType: project.projectData.projectType,
  },
});

export const policyWire = (policy: PolicyView) => ({ id: policy.id, name: policy.name, projectActions: { actions: [...policy.projectActions.actions] } });

export const grantWire = (grant: GrantView) => ({
  id: grant.id,
  data: { granteeAccountId: grant.data.granteeAccountId, grantorProjectId: grant.data.grantorProjectId, projectPolicyId: grant.data.projectPolicyId },
});

/** Delete responses (`Delete…Response`). */
export const emptyWire = (): Record<string, never> => ({});
