import { SetMetadata } from '@nestjs/common';
import type { Permission } from '../auth/permissions';

/** How the request pipeline treats a ZITADEL-dialect route. */
export interface ZitadelRoute {
  /** The ZITADEL RPC name, for logs. */
  readonly rpc: string;
  readonly permission: Permission;
  /** `org`: needs an acting org; `instance`: runs without one (AddOrg, /admin/v1). */
  readonly scope: 'org' | 'instance';
  /** Projection keys a read waits for (read-your-writes); empty for commands. */
  readonly reads: readonly string[];
}

export const ZITADEL_ROUTE = 'grantline:zitadel-route';

export const Zitadel = (route: ZitadelRoute) => SetMetadata(ZITADEL_ROUTE, route);
