import type { ServiceImpl } from '@connectrpc/connect';
import type { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { AdminController } from '../zitadel/admin.controller';
import type { RpcEdge } from './rpc-edge';

/**
 * `zitadel.admin.v1.AdminService`: the event and projection methods the REST dialect serves under
 * /admin/v1 (zitadel-api.md §2.5), one mapper each. Every other RPC answers UNIMPLEMENTED.
 */
export function adminService(edge: RpcEdge): Partial<ServiceImpl<typeof AdminService>> {
  const admin = edge.controller(AdminController);
  return {
    listEvents: (m, context) => edge.serve(context, ({ reply, body }) => admin.listEvents(reply, body(m))),
    listEventTypes: (m, context) => edge.serve(context, async ({ body }) => admin.listEventTypes(body(m))),
    listAggregateTypes: (m, context) => edge.serve(context, async ({ body }) => admin.listAggregateTypes(body(m))),
    listViews: (_m, context) => edge.serve(context, ({ request, reply }) => admin.listViews(request, reply)),
    listFailedEvents: (_m, context) => edge.serve(context, () => admin.listFailedEvents()),
    removeFailedEvent: (m, context) =>
      edge.serve(context, () => admin.removeFailedEvent(m.database, m.viewName, String(m.failedSequence))),
  };
}
