/** Who a request acts as. Users with personal access tokens join this union with memberships. */
export interface InstanceAdministrator {
  readonly kind: 'instance-admin';
  /** Actor id written into event metadata. */
  readonly actor: 'instance-admin';
  readonly displayName: 'Instance administrator';
}

export type Principal = InstanceAdministrator;

export const INSTANCE_ADMINISTRATOR: InstanceAdministrator = {
  kind: 'instance-admin',
  actor: 'instance-admin',
  displayName: 'Instance administrator',
};
