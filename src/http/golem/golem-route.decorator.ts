import { HttpCode, RequestMapping, RequestMethod, UseFilters, applyDecorators } from '@nestjs/common';
import { GolemErrorFilter } from './golem-error.filter';
import type { GolemRoute } from './golem-routes';

/**
 * Serves a handler at a route of GOLEM_ROUTES: the route table is the one source of paths and
 * methods. Every success is 200, create included (golem-api.md §1.5).
 */
export const GolemEndpoint = (route: GolemRoute) =>
  applyDecorators(RequestMapping({ path: route.path, method: RequestMethod[route.method] }), HttpCode(200), UseFilters(GolemErrorFilter));
