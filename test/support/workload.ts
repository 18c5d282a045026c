import type { ZitadelClient } from './app';

/** A small deterministic PRNG (mulberry32), so a workload can be replayed from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/**
 * A mixed, realistic workload through the API: orgs, projects with roles, project grants, users
 * and user grants, then updates, deactivations and removals that set off every cascade. Failed
 * commands (a random step may hit a removed object) are part of the workload.
 */
export async function runWorkload(client: ZitadelClient, seed: number, steps: number): Promise<void> {
  const random = prng(seed);
  const tag = `${seed}-${Math.floor(random() * 1e9)}`;
  const vendor = await client.addOrg(`Vendor ${tag}`);
  const customers = [await client.addOrg(`Customer A ${tag}`), await client.addOrg(`Customer B ${tag}`)];
  const roles = ['reader', 'writer', 'admin', 'team/ops'];
  const projects = [await client.addProject(vendor, `P1 ${tag}`, roles), await client.addProject(vendor, `P2 ${tag}`, roles)];
  const grants: Array<{ project: string; grant: string; org: string }> = [];
  for (const project of projects) {
    for (const org of customers) grants.push({ project, grant: await client.addProjectGrant(vendor, project, org, roles.slice(0, 3)), org });
  }
  const users = [
    ...(await Promise.all([0, 1, 2].map((i) => client.addHuman(customers[0] as string, `u${i}`)))).map((id) => ({ id, org: customers[0] as string })),
    ...(await Promise.all([0, 1].map((i) => client.addHuman(customers[1] as string, `u${i}`)))).map((id) => ({ id, org: customers[1] as string })),
  ];
  const userGrants: Array<{ id: string; user: string; org: string }> = [];
  for (let step = 0; step < steps; step += 1) {
    const action = random();
    const grant = pick(random, grants);
    if (action < 0.35) {
      const user = pick(random, users.filter((candidate) => candidate.org === grant.org));
      const answer = await client.post(`/management/v1/users/${user.id}/grants`, { projectId: grant.project, roleKeys: [pick(random, roles.slice(0, 3))] }, grant.org);
      if (answer.status === 200) userGrants.push({ id: answer.body.userGrantId, user: user.id, org: grant.org });
    } else if (action < 0.5) {
      const keys = roles.filter(() => random() < 0.5);
      await client.call('PUT', `/management/v1/projects/${grant.project}/grants/${grant.grant}`, { org: vendor, body: { roleKeys: keys } });
    } else if (action < 0.6) {
      const verb = random() < 0.5 ? '_deactivate' : '_reactivate';
      await client.post(`/management/v1/projects/${grant.project}/grants/${grant.grant}/${verb}`, {}, vendor);
    } else if (action < 0.7 && userGrants.length > 0) {
      const userGrant = pick(random, userGrants);
      await client.call('PUT', `/management/v1/users/${userGrant.user}/grants/${userGrant.id}`, { org: userGrant.org, body: { roleKeys: [pick(random, roles.slice(0, 2))] } });
    } else if (action < 0.78 && userGrants.length > 0) {
      const userGrant = pick(random, userGrants);
      const verb = random() < 0.5 ? '_deactivate' : '_reactivate';
      await client.post(`/management/v1/users/${userGrant.user}/grants/${userGrant.id}/${verb}`, {}, userGrant.org);
    } else if (action < 0.84) {
      const project = pick(random, projects);
      const key = pick(random, roles);
      if (random() < 0.5) await client.call('DELETE', `/management/v1/projects/${project}/roles/${encodeURIComponent(key)}`, { org: vendor });
      else await client.post(`/management/v1/projects/${project}/roles`, { roleKey: key, displayName: key }, vendor);
    } else if (action < 0.9 && userGrants.length > 0) {
      const userGrant = pick(random, userGrants);
      await client.call('DELETE', `/management/v1/users/${userGrant.user}/grants/${userGrant.id}`, { org: userGrant.org });
    } else if (action < 0.95) {
      const removed = await client.call('DELETE', `/management/v1/projects/${grant.project}/grants/${grant.grant}`, { org: vendor });
      if (removed.status === 200) {
        const again = await client.post(`/management/v1/projects/${grant.project}/grants`, { grantedOrgId: grant.org, roleKeys: ['reader'] }, vendor);
        if (again.status === 200) grant.grant = again.body.grantId;
      }
    } else {
      const user = pick(random, users);
      const removed = await client.call('DELETE', `/management/v1/users/${user.id}`, { org: user.org });
      if (removed.status === 200) user.id = await client.addHuman(user.org, `u${step}-${tag}`);
    }
  }
}
