import { actions, instant, object, text, uuid } from './golem-validation';

/** Request bodies of the Golem dialect (golem-api.md §2.2, limits §1.3), fields in schema order. */

/** `POST /v1/accounts` */
export const ACCOUNT_DATA = {
  name: text(200),
  email: text(254, { format: 'email' }),
};

/** `POST /v1/accounts/{account_id}/tokens`: any instant, past ones included. */
export const CREATE_TOKEN_DTO = {
  expiresAt: instant(),
};

/** `POST /v1/projects`: name and description may be empty. */
export const PROJECT_DATA_REQUEST = {
  name: text(200),
  ownerAccountId: text(200),
  description: text(2000),
};

/** `POST /v1/project-policies` */
export const PROJECT_POLICY_DATA = {
  name: text(200),
  projectActions: object({ actions: actions() }),
};

/** `POST /v1/projects/{project_id}/grants`: only `projectActions` is required (it may be `[]`). */
export const PROJECT_GRANT_DATA_REQUEST = {
  granteeAccountId: text(200, { optional: true }),
  // Not format-checked: it is only looked up (§1.3).
  granteeEmail: text(254, { optional: true }),
  projectPolicyId: uuid({ optional: true }),
  projectActions: actions(),
  projectPolicyName: text(200, { optional: true }),
};
