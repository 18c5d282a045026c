import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { OrgsController } from '../zitadel/orgs.controller';
import { GrantedProjectsController, ProjectGrantsController } from '../zitadel/project-grants.controller';
import { ProjectsController } from '../zitadel/projects.controller';
import { UserGrantsController } from '../zitadel/user-grants.controller';
import { UsersController } from '../zitadel/users.controller';
import type { RpcEdge } from './rpc-edge';

/**
 * `zitadel.management.v1.ManagementService`: one mapper per implemented RPC, from the request
 * message to the REST handler of the same method (path fields as path parameters, the rest as the
 * body). Every other RPC answers UNIMPLEMENTED.
 */
export function managementService(edge: RpcEdge): Partial<ServiceImpl<typeof ManagementService>> {
  const orgs = edge.controller(OrgsController);
  const projects = edge.controller(ProjectsController);
  const users = edge.controller(UsersController);
  const projectGrants = edge.controller(ProjectGrantsController);
  const grantedProjects = edge.controller(GrantedProjectsController);
  const userGrants = edge.controller(UserGrantsController);

  return {
    // Supporting objects (§2.2).
    addOrg: (m, context) => edge.serve(context, ({ request, reply, body }) => orgs.addOrg(request, reply, body(m))),
    getMyOrg: (_m, context) => edge.serve(context, ({ request, reply }) => orgs.getMyOrg(request, reply)),
    addProject: (m, context) => edge.serve(context, ({ request, reply, body }) => projects.addProject(request, reply, body(m))),
    getProjectByID: (m, context) => edge.serve(context, ({ request, reply }) => projects.getProjectById(request, reply, m.id)),
    removeProject: (m, context) => edge.serve(context, ({ request, reply, body }) => projects.removeProject(request, reply, m.id, body(m, 'id'))),
    addProjectRole: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projects.addProjectRole(request, reply, m.projectId, body(m, 'projectId'))),
    bulkAddProjectRoles: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projects.bulkAddProjectRoles(request, reply, m.projectId, body(m, 'projectId'))),
    updateProjectRole: (m, context) =>
      edge.serve(context, ({ request, reply, body }) =>
        projects.updateProjectRole(request, reply, m.projectId, m.roleKey, body(m, 'projectId', 'roleKey')),
      ),
    removeProjectRole: (m, context) =>
      edge.serve(context, ({ request, reply, body }) =>
        projects.removeProjectRole(request, reply, m.projectId, m.roleKey, body(m, 'projectId', 'roleKey')),
      ),
    listProjectRoles: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projects.listProjectRoles(request, reply, m.projectId, body(m, 'projectId'))),
    addHumanUser: (m, context) => edge.serve(context, ({ request, reply, body }) => users.addHumanUser(request, reply, body(m))),
    addMachineUser: (m, context) => edge.serve(context, ({ request, reply, body }) => users.addMachineUser(request, reply, body(m))),
    getUserByID: (m, context) => edge.serve(context, ({ request, reply }) => users.getUserById(request, reply, m.id)),
    removeUser: (m, context) => edge.serve(context, ({ request, reply, body }) => users.removeUser(request, reply, m.id, body(m, 'id'))),

    // Project grants (§2.1, §2.3).
    addProjectGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projectGrants.addProjectGrant(request, reply, m.projectId, body(m, 'projectId'))),
    getProjectGrantByID: (m, context) =>
      edge.serve(context, ({ request, reply }) => projectGrants.getProjectGrantById(request, reply, m.projectId, m.grantId)),
    listProjectGrants: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projectGrants.listProjectGrants(request, reply, m.projectId, body(m, 'projectId'))),
    updateProjectGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) =>
        projectGrants.updateProjectGrant(request, reply, m.projectId, m.grantId, body(m, 'projectId', 'grantId')),
      ),
    deactivateProjectGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projectGrants.deactivate(request, reply, m.projectId, m.grantId, body(m, 'projectId', 'grantId'))),
    reactivateProjectGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projectGrants.reactivate(request, reply, m.projectId, m.grantId, body(m, 'projectId', 'grantId'))),
    removeProjectGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => projectGrants.remove(request, reply, m.projectId, m.grantId, body(m, 'projectId', 'grantId'))),
    listAllProjectGrants: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => grantedProjects.listAllProjectGrants(request, reply, body(m))),
    listGrantedProjects: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => grantedProjects.listGrantedProjects(request, reply, body(m))),
    getGrantedProjectByID: (m, context) =>
      edge.serve(context, ({ request, reply }) => grantedProjects.getGrantedProjectById(request, reply, m.projectId, m.grantId)),

    // User grants (§2.1, §2.4).
    addUserGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => userGrants.addUserGrant(request, reply, m.userId, body(m, 'userId'))),
    getUserGrantByID: (m, context) =>
      edge.serve(context, ({ request, reply }) => userGrants.getUserGrantById(request, reply, m.userId, m.grantId)),
    listUserGrants: (m, context) => edge.serve(context, ({ request, reply, body }) => userGrants.listUserGrants(request, reply, body(m))),
    updateUserGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) =>
        userGrants.updateUserGrant(request, reply, m.userId, m.grantId, body(m, 'userId', 'grantId')),
      ),
    deactivateUserGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => userGrants.deactivate(request, reply, m.userId, m.grantId, body(m, 'userId', 'grantId'))),
    reactivateUserGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => userGrants.reactivate(request, reply, m.userId, m.grantId, body(m, 'userId', 'grantId'))),
    removeUserGrant: (m, context) =>
      edge.serve(context, ({ request, reply, body }) => userGrants.remove(request, reply, m.userId, m.grantId, body(m, 'userId', 'grantId'))),
    bulkRemoveUserGrant: (m, context) => edge.serve(context, ({ request, reply, body }) => userGrants.bulkRemove(request, reply, body(m))),
  };
}
