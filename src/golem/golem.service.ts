import { randomUUID } from 'node:crypto';
import type { AggregateType } from '../kernel/aggregate';
import type { Clock, IdGenerator } from '../kernel/clock.port';
import type { CommandContext, CommandExecutor, Decision, Execution } from '../kernel/command-executor';
import type { Event } from '../kernel/event';
import { decideCreateAccount, decideReleaseProject, decideReserveProject, golemAccountAggregate } from './accounts/account.decider';
import { type ProjectAction, actionSet } from './actions';
import { type ProjectAccessFacts, authorize, checkAdmin, checkSelfOrAdmin, checkViewAccount, effectiveActions } from './authorization';
import type {
  AccountView,
  AuthenticatedToken,
  Caller,
  GolemApplication,
  GolemRequest,
  GrantInput,
  GrantView,
  PolicyView,
  ProjectView,
  TokenView,
  UnsafeTokenView,
  Written,
} from './golem.application';
import { GOLEM_PLAN_ID } from './golem.events';
import { GolemError } from './golem-error';
import { checkGrantee, checkPolicy, chooseGrantee, decideCreateGrant, decideDeleteGrant, golemGrantAggregate, grantNotFound } from './grants/grant.decider';
import { decideCreatePolicy, golemPolicyAggregate } from './policies/policy.decider';
import { decideCreateProject, decideDeleteProject, golemProjectAggregate } from './projects/project.decider';
import type { AccountDoc, GolemReadModel, PolicyDoc, ProjectDoc, TokenDoc } from './read-model/golem-read-model';
import { secretSha256 } from './tokens/token-secret';
import { decideCreateToken, decideDeleteToken, golemTokenAggregate, unknownToken } from './tokens/token.decider';

export interface GolemServiceOptions {
  /** GRANTLINE_GOLEM_PROJECT_LIMIT: most live projects one account may own. */
  readonly projectLimit: number;
}

const DELETED: Record<string, never> = {};

/**
 * The Golem dialect's use cases (golem-api.md §3). Each handler authorizes first (§5) on the read
 * models the edge made fresh, then loads, decides and appends through the executor; the rules
 * themselves live in the deciders and in authorization.ts.
 */
export class GolemService implements GolemApplication {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModel: GolemReadModel,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly options: GolemServiceOptions,
  ) {}

  async createAccount(request: GolemRequest, input: { readonly name: string; readonly email: string }): Promise<Written<AccountView>> {
    checkAdmin(request.caller);
    const accountId = this.ids.newId();
    // The e-mail's uniqueness is the executor's unique-key reservation (409 when taken).
    const writes = new Writes();
    await writes.run(this.executor, golemAccountAggregate, accountId, contextOf(request), (state) => ({
      events: decideCreateAccount({ accountId, name: input.name, email: input.email }, state),
      resourceOwner: accountId,
    }));
    return writes.answer({ id: accountId, name: input.name, email: input.email, planId: GOLEM_PLAN_ID });
  }

  async getAccount(caller: Caller, accountId: string): Promise<AccountView> {
    const account = await this.readModel.account(accountId);
    const holdsGrant = account !== null && (await this.readModel.holdsGrantOnProjectOf(caller.accountId, accountId));
    return accountView(checkViewAccount(caller, accountId, account, holdsGrant));
  }

  async listTokens(caller: Caller, accountId: string): Promise<readonly TokenView[]> {
    await this.checkTokenAccount(caller, accountId);
    return (await this.readModel.tokensOf(accountId)).map(tokenView);
  }

  async createToken(request: GolemRequest, accountId: string, expiresAt: Date): Promise<Written<UnsafeTokenView>> {
    await this.checkTokenAccount(request.caller, accountId);
    const tokenId = this.ids.newId();
    const secret = randomUUID();
    const token = {
      tokenId,
      accountId,
      secretSha256: secretSha256(secret),
      createdAt: this.clock.now().toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
    const writes = new Writes();
    await writes.run(this.executor, golemTokenAggregate, tokenId, contextOf(request), (state) => ({
      events: decideCreateToken(token, state),
      resourceOwner: accountId,
    }));
    return writes.answer({
      data: { id: tokenId, accountId, createdAt: token.createdAt, expiresAt: token.expiresAt },
      secret: { value: secret },
    });
  }

  async getToken(caller: Caller, accountId: string, tokenId: string): Promise<TokenView> {
    await this.checkTokenAccount(caller, accountId);
    const token = await this.readModel.token(tokenId);
    if (token === null || token.accountId !== accountId) throw unknownToken(tokenId);
    return tokenView(token);
  }

  async deleteToken(request: GolemRequest, accountId: string, tokenId: string): Promise<Written<Record<string, never>>> {
    await this.checkTokenAccount(request.caller, accountId);
    const writes = new Writes();
    await writes.run(this.executor, golemTokenAggregate, tokenId, contextOf(request), (state) => ({
      events: decideDeleteToken({ tokenId, accountId }, state),
      resourceOwner: accountId,
    }));
    return writes.answer(DELETED);
  }

  async createProject(
    request: GolemRequest,
    input: { readonly name: string; readonly ownerAccountId: string; readonly description: string },
  ): Promise<Written<ProjectView>> {
    const owner = input.ownerAccountId;
    checkSelfOrAdmin(request.caller, owner, (await this.readModel.account(owner)) !== null);
    const projectId = this.ids.newId();
    const context = contextOf(request);
    const writes = new Writes();
    // The owner's live projects: a reservation without one is abandoned once it is old enough.
    const live = new Set((await this.readModel.projectsVisibleTo(owner, undefined)).filter((project) => project.ownerAccountId === owner).map((project) => project.id));
    const now = this.clock.now().getTime();
    // Reserve the slot first (§6.5): an interruption leaves the limit stricter, never looser.
    await writes.run(this.executor, golemAccountAggregate, owner, context, (state) => ({
      events: decideReserveProject({ accountId: owner, projectId, limit: this.options.projectLimit, now, liveProjects: live }, state),
      resourceOwner: owner,
    }));
    await writes.run(this.executor, golemProjectAggregate, projectId, context, (state) => ({
      events: decideCreateProject({ projectId, ownerAccountId: owner, name: input.name, description: input.description }, state),
      resourceOwner: owner,
    }));
    return writes.answer(projectView({ id: projectId, name: input.name, ownerAccountId: owner, description: input.description }));
  }

  async listProjects(caller: Caller, projectName: string | undefined): Promise<readonly ProjectView[]> {
    const projects = caller.isAdmin ? await this.readModel.allProjects(projectName) : await this.readModel.projectsVisibleTo(caller.accountId, projectName);
    return projects.map(projectView);
  }

  async getProject(caller: Caller, projectId: string): Promise<ProjectView> {
    return projectView(authorize(caller, projectId, 'ViewProject', await this.accessFacts(caller, projectId)));
  }

  async deleteProject(request: GolemRequest, projectId: string): Promise<Written<Record<string, never>>> {
    authorize(request.caller, projectId, 'DeleteProject', await this.accessFacts(request.caller, projectId));
    const context = contextOf(request);
    const writes = new Writes();
    const deleted = await writes.run(this.executor, golemProjectAggregate, projectId, context, (state) => ({
      events: decideDeleteProject({ projectId }, state),
      resourceOwner: state.ownerAccountId,
    }));
    // The owner as the project stream knows it, not as the read model said.
    const owner = deleted.state.ownerAccountId;
    await writes.run(this.executor, golemAccountAggregate, owner, context, (state) => ({
      events: decideReleaseProject({ accountId: owner, projectId, reason: 'deleted' }, state),
      resourceOwner: owner,
    }));
    return writes.answer(DELETED);
  }

  async projectActions(caller: Caller, projectId: string): Promise<readonly ProjectAction[]> {
    return effectiveActions(caller, projectId, await this.accessFacts(caller, projectId));
  }

  async listGrants(caller: Caller, projectId: string): Promise<readonly GrantView[]> {
    authorize(caller, projectId, 'ViewProjectGrants', await this.accessFacts(caller, projectId));
    return (await this.readModel.grantsOfProject(projectId)).map(grantView);
  }

  async getGrant(caller: Caller, projectId: string, grantId: string): Promise<GrantView> {
    authorize(caller, projectId, 'ViewProjectGrants', await this.accessFacts(caller, projectId));
    const grant = await this.readModel.grant(grantId);
    if (grant === null || grant.projectId !== projectId) throw grantNotFound();
    return grantView(grant);
  }

  async createGrant(request: GolemRequest, projectId: string, input: GrantInput): Promise<Written<GrantView>> {
    const project = authorize(request.caller, projectId, 'CreateProjectGrants', await this.accessFacts(request.caller, projectId));
    const owner = project.ownerAccountId;
    // §3.5 steps 2–4: every check before anything is written (deviation §7.1).
    const choice = chooseGrantee(input);
    const found = choice.by === 'id' ? await this.readModel.account(choice.accountId) : await this.readModel.accountByEmail(choice.email);
    const granteeAccountId = checkGrantee(choice, found);
    const namedPolicy = input.projectPolicyId;
    checkPolicy(namedPolicy, namedPolicy !== undefined && (await this.readModel.policy(namedPolicy)) !== null);

    const grantId = this.ids.newId();
    const policyId = namedPolicy ?? this.ids.newId();
    const context = contextOf(request);
    const writes = new Writes();
    if (namedPolicy === undefined) {
      const inline = { policyId, name: input.projectPolicyName ?? '', actions: input.projectActions, inlineForGrantId: grantId };
      await writes.run(this.executor, golemPolicyAggregate, policyId, context, (state) => ({
        events: decideCreatePolicy(inline, state),
        resourceOwner: request.caller.accountId,
      }));
    }
    const grant = { grantId, projectId, granteeAccountId, policyId };
    await writes.run(this.executor, golemGrantAggregate, grantId, context, (state) => ({ events: decideCreateGrant(grant, state), resourceOwner: owner }));
    return writes.answer(grantView({ id: grantId, projectId, granteeAccountId, policyId }));
  }

  async deleteGrant(request: GolemRequest, projectId: string, grantId: string): Promise<Written<Record<string, never>>> {
    authorize(request.caller, projectId, 'DeleteProjectGrants', await this.accessFacts(request.caller, projectId));
    const writes = new Writes();
    await writes.run(this.executor, golemGrantAggregate, grantId, contextOf(request), (state) => ({
      events: decideDeleteGrant({ grantId, projectId, reason: 'requested' }, state),
      resourceOwner: state.owner,
    }));
    return writes.answer(DELETED);
  }

  async createPolicy(request: GolemRequest, input: { readonly name: string; readonly actions: readonly ProjectAction[] }): Promise<Written<PolicyView>> {
    const policyId = this.ids.newId();
    const writes = new Writes();
    await writes.run(this.executor, golemPolicyAggregate, policyId, contextOf(request), (state) => ({
      events: decideCreatePolicy({ policyId, name: input.name, actions: input.actions, inlineForGrantId: null }, state),
      resourceOwner: request.caller.accountId,
    }));
    // Answered as stored: a set, in vocabulary order.
    return writes.answer({ id: policyId, name: input.name, projectActions: { actions: actionSet(input.actions) } });
  }

  async getPolicy(_caller: Caller, policyId: string): Promise<PolicyView> {
    const policy = await this.readModel.policy(policyId);
    if (policy === null) throw new GolemError('not_found', 'Project policy not found');
    return policyView(policy);
  }

  async tokenBySecretHash(secretSha256: string): Promise<AuthenticatedToken | null> {
    const token = await this.readModel.tokenBySecretHash(secretSha256);
    return token === null ? null : { tokenId: token.id, accountId: token.accountId, expiresAt: new Date(token.expiresAt) };
  }

  /** §3.3 step 1, shared by the four token routes. */
  private async checkTokenAccount(caller: Caller, accountId: string): Promise<void> {
    checkSelfOrAdmin(caller, accountId, (await this.readModel.account(accountId)) !== null);
  }

  /** What §5.2 reads: the live project, the caller's live grants on it and their policies. */
  private async accessFacts(caller: Caller, projectId: string): Promise<ProjectAccessFacts<ProjectDoc>> {
    const project = await this.readModel.project(projectId);
    if (project === null) return { project, grants: [], policies: [] };
    const grants = await this.readModel.grantsOfGrantee(projectId, caller.accountId);
    const policies = grants.length === 0 ? [] : await this.readModel.policies([...new Set(grants.map((grant) => grant.policyId))]);
    return { project, grants, policies };
  }
}

/**
 * The appends of one request, possibly on several streams: the answer carries the global position
 * of the last event appended (null when nothing was), for the `x-grantline-position` header.
 */
class Writes {
  private position: number | null = null;

  async run<State, E extends Event>(
    executor: CommandExecutor,
    aggregate: AggregateType<State, E>,
    id: string,
    context: CommandContext,
    decide: Decision<State, E>,
  ): Promise<Execution<State, E>> {
    const execution = await executor.execute(aggregate, id, context, decide);
    const last = execution.appended[execution.appended.length - 1];
    if (last !== undefined) this.position = last.position;
    return execution;
  }

  answer<T>(value: T): Written<T> {
    return { value, position: this.position };
  }
}

/** Metadata of a request's events (§6.3): the caller acts, the request id correlates. */
function contextOf(request: GolemRequest): CommandContext {
  const context = { actor: request.caller.accountId, correlationId: request.requestId, causationId: request.requestId };
  // §6.3: the authenticating token's id, so an auditor can tell which credential made a change.
  return request.caller.tokenId === undefined ? context : { ...context, tokenId: request.caller.tokenId };
}

function accountView(account: AccountDoc): AccountView {
  return { id: account.id, name: account.name, email: account.email, planId: account.planId };
}

function tokenView(token: TokenDoc): TokenView {
  return { id: token.id, accountId: token.accountId, createdAt: token.createdAt, expiresAt: token.expiresAt };
}

function projectView(project: Pick<ProjectDoc, 'id' | 'name' | 'ownerAccountId' | 'description'>): ProjectView {
  return {
    projectId: project.id,
    projectData: {
      name: project.name,
      ownerAccountId: project.ownerAccountId,
      description: project.description,
      defaultEnvironmentId: 'default',
      projectType: 'NonDefault',
    },
  };
}

function grantView(grant: { readonly id: string; readonly projectId: string; readonly granteeAccountId: string; readonly policyId: string }): GrantView {
  return { id: grant.id, data: { granteeAccountId: grant.granteeAccountId, grantorProjectId: grant.projectId, projectPolicyId: grant.policyId } };
}

function policyView(policy: PolicyDoc): PolicyView {
  return { id: policy.id, name: policy.name, projectActions: { actions: policy.actions } };
}
