/**
 * Failures of the Golem dialect's rules (golem-api.md §3.1, §5). The kind says what went wrong;
 * the HTTP edge maps each kind to Golem's status and body shape, the message is the exact text.
 */
export type GolemErrorKind =
  /** 401 ``Access to project `<id>` is not allowed`` */
  | 'project_access'
  /** 401 ``Action `<A>` is not allowed on project `<id>` `` */
  | 'project_action'
  /** 401 ``Access to account `<id>` is not allowed`` */
  | 'account_access'
  /** 401 `Action is only allowed for [Admin]` */
  | 'admin_only'
  /** 400 ErrorsBody: `Account id or email need to be provided`, `Account Not Found: …`, `Project Policy Not Found: …` */
  | 'bad_request'
  /** 404: `No matching account found`, `Project grant not found`, `Project policy not found`, `Unknown token: …` */
  | 'not_found'
  /** 409: project limit, duplicate e-mail, concurrent modification */
  | 'conflict';

export class GolemError extends Error {
  constructor(
    readonly kind: GolemErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'GolemError';
  }
}

export const projectAccessDenied = (projectId: string) => new GolemError('project_access', `Access to project \`${projectId}\` is not allowed`);
export const projectActionDenied = (action: string, projectId: string) =>
  new GolemError('project_action', `Action \`${action}\` is not allowed on project \`${projectId}\``);
export const accountAccessDenied = (accountId: string) => new GolemError('account_access', `Access to account \`${accountId}\` is not allowed`);
export const adminOnly = () => new GolemError('admin_only', 'Action is only allowed for [Admin]');
