import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, invalidArgument, permissionDenied } from '../../kernel/domain-error';
import { EVENT_STORE, type EventStore } from '../../kernel/event-store.port';
import { ProjectionProgress } from '../../projections/projection-progress';
import { GRANTLINE_CONFIG } from '../../platform/tokens';
import type { GrantlineConfig } from '../../config/config';
import { Authenticator } from '../auth/authenticator';
import { OrgDirectory } from '../auth/org-directory';
import { resolvePermission } from '../auth/permissions';
import type { GrantlineRequest, RequestState } from '../request-state';
import { ZITADEL_ROUTE, type ZitadelRoute } from './zitadel-route.decorator';

/**
 * The ZITADEL request pipeline, steps 2–5 of zitadel-api.md §1.2: authentication, consistency
 * (reads wait for their projections), acting org, endpoint permission. Body validation and
 * business rules come after, in the handler.
 */
@Injectable()
export class ZitadelGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly orgs: OrgDirectory,
    private readonly progress: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(GRANTLINE_CONFIG) private readonly config: GrantlineConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.get<ZitadelRoute | undefined>(ZITADEL_ROUTE, context.getHandler());
    if (route === undefined) return true;
    const request = context.switchToHttp().getRequest<GrantlineRequest>();
    request.grantline = await this.admit(route, request.headers);
    return true;
  }

  /** Steps 2–5 for one call of `route`, whatever carried it (REST, gRPC, gRPC-Web, Connect). */
  async admit(route: ZitadelRoute, headers: RequestHeaders): Promise<RequestState> {
    const state: RequestState = { requestId: '', principal: null, actingOrg: '', servedPosition: 0 };
    const principal = this.authenticator.authenticate(header(headers, 'authorization'));
    state.principal = principal;

    await this.waitForConsistency(headers, route, state);

    const orgHeader = header(headers, 'x-zitadel-orgid');
    if (orgHeader !== undefined && orgHeader !== '') {
      if (!(await this.orgs.exists(orgHeader))) throw permissionDenied('AUTH-Bs7Ds', "Organisation doesn't exist");
      state.actingOrg = orgHeader;
    } else if (route.scope === 'org') {
      throw invalidArgument(
        'GRANTLINE-NoOrg',
        'This call acts inside an organisation; the instance administrator has none, so send the x-zitadel-orgid header',
      );
    }

    if (resolvePermission(principal, state.actingOrg, route.permission).scope === 'none') {
      throw permissionDenied('AUTH-5mWD2', 'No matching permissions found');
    }
    return state;
  }

  /** Reads wait until their projections reflect every write acknowledged before the request. */
  private async waitForConsistency(headers: RequestHeaders, route: ZitadelRoute, state: RequestState): Promise<void> {
    const consistency = header(headers, 'x-grantline-consistency');
    if (consistency !== undefined && consistency !== 'strong' && consistency !== 'eventual') {
      throw invalidArgument('GRANTLINE-InvalidField', 'invalid header x-grantline-consistency: value must be "strong" or "eventual"');
    }
    const minPosition = header(headers, 'x-grantline-min-position');
    if (minPosition !== undefined && !/^\d{1,15}$/.test(minPosition)) {
      throw invalidArgument('GRANTLINE-InvalidField', 'invalid header x-grantline-min-position: value must be a non-negative integer');
    }
    if (route.reads.length === 0) return;
    if (consistency !== 'eventual') {
      const target = minPosition !== undefined ? Number(minPosition) : await this.eventStore.headPosition();
      if (!(await this.progress.waitFor(route.reads, target, this.config.consistencyTimeoutMs))) {
        throw new DomainError('unavailable', 'GRANTLINE-NotConsistent', 'The read models have not caught up with earlier writes yet; retry shortly');
      }
    }
    let served = Number.POSITIVE_INFINITY;
    for (const key of route.reads) served = Math.min(served, this.progress.position(key));
    state.servedPosition = served;
  }
}

/** Request headers (or gRPC metadata) by lower-case name. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
