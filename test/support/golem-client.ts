/**
 * Black-box client for the Golem REST dialect (golem-api.md), written from the contract alone.
 *
 * `request` sends exactly what it is told: a bearer token, a GOLEM_SESSION cookie or no credential;
 * a JSON body (serialised here) or a raw body (sent byte for byte); and any header. A body is sent
 * with `Content-Type: application/json` unless `contentType` says otherwise (`null`: no header at
 * all; the body then goes as bytes, because fetch labels a string body `text/plain`).
 *
 * The fixture helpers throw when a setup step does not answer 200, so a broken setup is reported as
 * such and never mistaken for the behaviour under test. `head()` and `eventsSince()` read the
 * in-process event store: the audit oracle for "nothing appended" and the event checks (§6, §8).
 */
import type { RecordedEvent } from '../../src/kernel/event';
import { TEST_TOKEN, type TestApp } from './app';

/** The bootstrap token of every test app (`ADM` in golem-api.md §8). */
export const ADM = TEST_TOKEN;

/** Golem's default plan id, on every account (§2.2). */
export const PLAN_ID = '00000000-0000-0000-0000-000000000000';

/** The 30 wire strings of golem-api.md §4, in vocabulary order. */
export const VOCABULARY = [
  'ViewComponent',
  'CreateComponent',
  'UpdateComponent',
  'DeleteComponent',
  'ViewWorker',
  'CreateWorker',
  'UpdateWorker',
  'DeleteWorker',
  'ViewProjectGrants',
  'CreateProjectGrants',
  'DeleteProjectGrants',
  'ViewApiDefinition',
  'CreateApiDefinition',
  'UpdateApiDefinition',
  'DeleteApiDefinition',
  'DeleteProject',
  'ViewPluginInstallations',
  'CreatePluginInstallation',
  'UpdatePluginInstallation',
  'DeletePluginInstallation',
  'UpsertApiDeployment',
  'ViewApiDeployment',
  'DeleteApiDeployment',
  'UpsertApiDomain',
  'ViewApiDomain',
  'DeleteApiDomain',
  'ViewPluginDefinition',
  'CreatePluginDefinition',
  'UpdatePluginDefinition',
  'DeletePluginDefinition',
] as const;

/** New object ids are UUIDv7 (§7.12); token secrets are UUIDv4 (§1.2). Both lowercase on the wire. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Emitted timestamps: UTC with milliseconds (§1.3). */
export const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export const FAR_FUTURE = '2100-01-01T00:00:00Z';

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Sent as `Cookie: GOLEM_SESSION=<cookie>`. */
  readonly cookie?: string;
  /** Serialised with JSON.stringify. */
  readonly body?: unknown;
  /** Sent as is (wins over `body`). */
  readonly raw?: string | Uint8Array;
  /** Content-Type of a body; default application/json; null sends none. */
  readonly contentType?: string | null;
  /** Extra headers; they win over everything above (e.g. a hand-made Authorization). */
  readonly headers?: Record<string, string>;
}

export interface GolemAnswer {
  readonly status: number;
  /** Parsed JSON, or the raw text when the body is not JSON; undefined when empty. */
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly planId: string;
}

export interface Token {
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface UnsafeToken {
  readonly data: Token;
  readonly secret: { readonly value: string };
}

export interface Project {
  readonly projectId: string;
  readonly projectData: {
    readonly name: string;
    readonly ownerAccountId: string;
    readonly description: string;
    readonly defaultEnvironmentId: string;
    readonly projectType: string;
  };
}

export interface Policy {
  readonly id: string;
  readonly name: string;
  readonly projectActions: { readonly actions: readonly string[] };
}

export interface Grant {
  readonly id: string;
  readonly data: { readonly granteeAccountId: string; readonly grantorProjectId: string; readonly projectPolicyId: string };
}

/** A loosely typed recorded event: Golem metadata carries a dialect-specific `tokenId` (§6.3). */
export type AuditEvent = RecordedEvent & { readonly data: any; readonly metadata: RecordedEvent['metadata'] & { readonly tokenId?: string } };

export class GolemClient {
  constructor(readonly service: TestApp) {}

  get baseUrl(): string {
    return this.service.baseUrl;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<GolemAnswer> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie !== undefined) headers.cookie = `GOLEM_SESSION=${options.cookie}`;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) {
      if (options.contentType === null) {
        // fetch labels string bodies text/plain; bytes go out with no Content-Type at all.
        if (typeof body === 'string') body = Buffer.from(body, 'utf8');
      } else {
        headers['content-type'] = options.contentType ?? 'application/json';
      }
    }
    Object.assign(headers, options.headers);
    const response = await fetch(`${this.service.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed, text, headers: response.headers };
  }

  /** A caller bound to one bearer token. */
  as(token: string): Caller {
    return new Caller(this, token);
  }

  // ---- audit oracle -------------------------------------------------------------------------

  head(): Promise<number> {
    return this.service.platform.eventStore.headPosition();
  }

  async eventsSince(position: number): Promise<AuditEvent[]> {
    return [...(await this.service.platform.eventStore.readAll({ fromPosition: position }))] as AuditEvent[];
  }

  allEvents(): Promise<AuditEvent[]> {
    return this.eventsSince(0);
  }

  // ---- fixture helpers (throw unless 200) -----------------------------------------------------

  async createAccount(name: string, email: string, token: string = ADM): Promise<Account> {
    return ok<Account>(await this.request('POST', '/v1/accounts', { token, body: { name, email } }), `create account ${email}`);
  }

  async createToken(accountId: string, expiresAt: string = FAR_FUTURE, token: string = ADM): Promise<UnsafeToken> {
    return ok<UnsafeToken>(
      await this.request('POST', `/v1/accounts/${accountId}/tokens`, { token, body: { expiresAt } }),
      `create token for ${accountId}`,
    );
  }

  async createProject(token: string, ownerAccountId: string, name: string, description = ''): Promise<Project> {
    return ok<Project>(await this.request('POST', '/v1/projects', { token, body: { name, ownerAccountId, description } }), `create project ${name}`);
  }

  async createGrant(token: string, projectId: string, body: Record<string, unknown>): Promise<Grant> {
    return ok<Grant>(await this.request('POST', `/v1/projects/${projectId}/grants`, { token, body }), `create grant on ${projectId}`);
  }

  async createPolicy(token: string, name: string, actions: readonly string[]): Promise<Policy> {
    return ok<Policy>(await this.request('POST', '/v1/project-policies', { token, body: { name, projectActions: { actions } } }), `create policy ${name}`);
  }
}

export class Caller {
  constructor(
    readonly client: GolemClient,
    readonly token: string,
  ) {}

  get(path: string, headers?: Record<string, string>): Promise<GolemAnswer> {
    return this.client.request('GET', path, { token: this.token, ...(headers ? { headers } : {}) });
  }

  post(path: string, body: unknown): Promise<GolemAnswer> {
    return this.client.request('POST', path, { token: this.token, body });
  }

  postRaw(path: string, raw: string | Uint8Array, contentType: string | null = 'application/json'): Promise<GolemAnswer> {
    return this.client.request('POST', path, { token: this.token, raw, contentType });
  }

  delete(path: string): Promise<GolemAnswer> {
    return this.client.request('DELETE', path, { token: this.token });
  }

  call(method: string, path: string, options: Omit<RequestOptions, 'token'> = {}): Promise<GolemAnswer> {
    return this.client.request(method, path, { token: this.token, ...options });
  }
}

function ok<T>(answer: GolemAnswer, what: string): T {
  if (answer.status !== 200) throw new Error(`setup step "${what}" answered ${answer.status} ${answer.text}`);
  return answer.body as T;
}

/** The keys of an object in wire order: the contract fixes key order (§1.3, §2.2). */
export function keysOf(value: unknown): string[] {
  return value !== null && typeof value === 'object' ? Object.keys(value) : [];
}

/** Polls until `accept` holds or the deadline passes; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
