import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { GolemAccountsController } from './golem-accounts.controller';
import { GolemProjectPoliciesController } from './golem-project-policies.controller';
import { GolemProjectsController } from './golem-projects.controller';
import { GOLEM_ROUTES, golemRewriteUrl, isGolemPath, matchGolemRoute, namesRoute } from './golem-routes';

const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';

describe('matchGolemRoute (§2.1, §3.0 step 1)', () => {
  it('given each route of §2.1, then that route', () => {
    expect(Object.keys(GOLEM_ROUTES)).toHaveLength(17);
    for (const route of Object.values(GOLEM_ROUTES)) {
      const url = route.path.replace(/:[a-z_]+/g, P);
      expect(matchGolemRoute(route.method, url)).toEqual({ kind: 'found', route });
    }
    expect(matchGolemRoute('GET', '/v1/projects?project-name=shop')).toEqual({ kind: 'found', route: GOLEM_ROUTES.getProjects });
    expect(matchGolemRoute('HEAD', `/v1/projects/${P}`)).toEqual({ kind: 'found', route: GOLEM_ROUTES.getProject });
  });

  it('given a known path with another method, then 405 with the methods it has', () => {
    expect(matchGolemRoute('GET', '/v1/accounts')).toEqual({ kind: 'method_not_allowed', allow: ['POST'] });
    expect(matchGolemRoute('PUT', '/v1/accounts/abc')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(matchGolemRoute('PUT', `/v1/project-policies/${P}`)).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(matchGolemRoute('DELETE', `/v1/project-policies/${P}`)).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(matchGolemRoute('GET', '/v1/project-policies')).toEqual({ kind: 'method_not_allowed', allow: ['POST'] });
    expect(matchGolemRoute('PATCH', `/v1/projects/${P}`)).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'DELETE'] });
    expect(matchGolemRoute('PUT', `/v1/projects/${P}/grants/${P}`)).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'DELETE'] });
    expect(matchGolemRoute('OPTIONS', '/v1/projects')).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'POST'] });
  });

  it('given /v1/projects/default, with any method or spelling, then no route', () => {
    for (const method of ['GET', 'DELETE', 'POST', 'PUT']) expect(matchGolemRoute(method, '/v1/projects/default')).toEqual({ kind: 'not_found' });
    expect(matchGolemRoute('GET', '/v1/projects/%64efault')).toEqual({ kind: 'not_found' });
    // Only the literal route: below it, `default` is a project_id (and fails validation there).
    expect(matchGolemRoute('GET', '/v1/projects/default/grants')).toEqual({ kind: 'found', route: GOLEM_ROUTES.getProjectGrants });
  });

  it('given the parameters Fastify matched to a handler, then namesRoute applies the same rules', () => {
    const R = GOLEM_ROUTES;
    expect(namesRoute(R.getProject, { project_id: P })).toBe(true);
    // Fastify's parameters are percent-decoded: `/v1/projects/%64efault` arrives as `default`.
    expect(namesRoute(R.getProject, { project_id: 'default' })).toBe(false);
    expect(namesRoute(R.deleteProject, { project_id: 'default' })).toBe(false);
    expect(namesRoute(R.getProjectGrants, { project_id: 'default' })).toBe(true);
    expect(namesRoute(R.getProjectGrants, { project_id: '' })).toBe(false);
    expect(namesRoute(R.getToken, { account_id: 'a', token_id: '' })).toBe(false);
    expect(namesRoute(R.getProjects, {})).toBe(true);
  });

  it('given unknown paths and empty segments, then no route', () => {
    for (const url of ['/v1', '/v1/', '/v1/nothing', '/v1/accounts/a/b', '/v1/projects//grants', '/v1/projects/', '/v1/plans', `/v1/projects/${P}/grants/${P}/x`, '/v1/accounts//tokens']) {
      expect(matchGolemRoute('GET', url)).toEqual({ kind: 'not_found' });
    }
  });
});

describe('golemRewriteUrl (§1.1)', () => {
  it('ignores one trailing slash under /v1 and keeps the query', () => {
    expect(golemRewriteUrl('/v1/projects/')).toBe('/v1/projects');
    expect(golemRewriteUrl('/v1/projects/?project-name=a/')).toBe('/v1/projects?project-name=a/');
    expect(golemRewriteUrl('/v1/projects//')).toBe('/v1/projects/');
    expect(golemRewriteUrl('/v1/')).toBe('/v1');
    expect(golemRewriteUrl('/v1/projects')).toBe('/v1/projects');
  });

  it('leaves every other path as it is', () => {
    for (const url of ['/management/v1/projects/', '/v1x/', '/', '/healthz/', '/admin/v1/orgs/%zz']) expect(golemRewriteUrl(url)).toBe(url);
  });

  it('escapes the % of segments that do not decode, and only those', () => {
    expect(golemRewriteUrl('/v1/projects/%zz/grants')).toBe('/v1/projects/%25zz/grants');
    expect(golemRewriteUrl('/v1/accounts/%C3%28')).toBe('/v1/accounts/%25C3%2528');
    expect(golemRewriteUrl('/v1/accounts/%61b%20c')).toBe('/v1/accounts/%61b%20c');
  });

  it('isGolemPath: /v1 and below', () => {
    expect(isGolemPath('/v1')).toBe(true);
    expect(isGolemPath('/v1?x')).toBe(true);
    expect(isGolemPath('/v1/projects')).toBe(true);
    expect(isGolemPath('/v10/projects')).toBe(false);
    expect(isGolemPath('/management/v1/projects')).toBe(false);
  });
});

describe('the controllers', () => {
  it('serve exactly the 17 routes of the route table, each at its path and method', () => {
    const served: string[] = [];
    for (const controller of [GolemAccountsController, GolemProjectsController, GolemProjectPoliciesController]) {
      expect(Reflect.getMetadata(PATH_METADATA, controller)).toBe('/');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = Reflect.get(controller.prototype, name);
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        served.push(`${RequestMethod[method]} ${String(Reflect.getMetadata(PATH_METADATA, handler))}`);
      }
    }
    const expected = Object.values(GOLEM_ROUTES).map((route) => `${route.method} ${route.path}`);
    expect(served.sort()).toEqual(expected.sort());
  });
});
