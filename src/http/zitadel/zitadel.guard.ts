import { randomUUID } from 'node:crypto';
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
    const state: RequestState = { requestId: randomUUID(), principal: null, actingOrg: '', servedPosition: 0 };
    request.grantline = state;

    const principal = this.authenticator.authenticate(header(request, 'authorization'));
    state.principal = principal;

    await this.waitForConsistency(request, route, state);

    const orgHeader = header(request, 'x-zitadel-orgid');
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
    return true;
  }

  /** Reads wait until their projections reflect every write acknowledged before the request. */
  private async waitForConsistency(request: GrantlineRequest, route: ZitadelRoute, state: RequestState): Promise<void> {
    const consistency = header(request, 'x-grantline-consistency');
    if (consistency !== undefined && consistency !== 'strong' && consistency !== 'eventual') {
      throw invalidArgument('GRANTLINE-InvalidField', 'invalid header x-grantline-consistency: value must be "strong" or "eventual"');
    }
    const minPosition = header(request, 'x-grantline-min-position');
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
    state.servedPosition = Math.min(...route.reads.map((key) => this.progress.position(key)));
  }
}

function header(request: GrantlineRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
