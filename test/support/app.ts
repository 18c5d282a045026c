import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { type GrantlineConfig, loadConfig } from '../../src/config/config';
import { Platform } from '../../src/platform/platform';

export const TEST_TOKEN = 'test-bootstrap-token-0123456789';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly platform: Platform;
  readonly baseUrl: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Starts the whole service in-process on a fresh embedded store, listening on a free port. */
export async function startTestApp(overrides: Partial<Record<string, string>> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-e2e-'));
  const config: GrantlineConfig = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    GRANTLINE_BOOTSTRAP_TOKEN: TEST_TOKEN,
    GRANTLINE_LOG_LEVEL: 'silent',
    PORT: '0',
    ...overrides,
  });
  const platform = await Platform.open(config, quietLogger);
  const app = await createApp(platform);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    app,
    platform,
    dataDir,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
}

/** A small HTTP client for the ZITADEL dialect: token and acting org set per call. */
export class ZitadelClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = TEST_TOKEN,
  ) {}

  async call(method: string, path: string, options: { org?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (options.org !== undefined) headers['x-zitadel-orgid'] = options.org;
    // Explicit headers win, so a test can send a broken credential or acting org on purpose.
    Object.assign(headers, options.headers);
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the assertion message.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  post(path: string, body: unknown, org?: string) {
    return this.call('POST', path, { body, ...(org !== undefined ? { org } : {}) });
  }

  get(path: string, org?: string) {
    return this.call('GET', path, org !== undefined ? { org } : {});
  }

  async addOrg(name: string): Promise<string> {
    const answer = await this.post('/management/v1/orgs', { name });
    if (answer.status !== 200) throw new Error(`AddOrg ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.id as string;
  }

  async addProject(org: string, name: string, roles: readonly string[] = []): Promise<string> {
    const answer = await this.post('/management/v1/projects', { name }, org);
    if (answer.status !== 200) throw new Error(`AddProject ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const id = answer.body.id as string;
    if (roles.length > 0) {
      const bulk = await this.post(`/management/v1/projects/${id}/roles/_bulk`, { roles: roles.map((key) => ({ key, displayName: key })) }, org);
      if (bulk.status !== 200) throw new Error(`BulkAddProjectRoles: ${bulk.status} ${JSON.stringify(bulk.body)}`);
    }
    return id;
  }

  async addHuman(org: string, userName: string): Promise<string> {
    const answer = await this.post(
      '/management/v1/users/human',
      { userName, profile: { firstName: 'Gigi', lastName: 'Giraffe' }, email: { email: `${userName}@example.com` } },
      org,
    );
    if (answer.status !== 200) throw new Error(`AddHumanUser ${userName}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.userId as string;
  }

  async addProjectGrant(org: string, projectId: string, grantedOrgId: string, roleKeys: readonly string[]): Promise<string> {
    const answer = await this.post(`/management/v1/projects/${projectId}/grants`, { grantedOrgId, roleKeys }, org);
    if (answer.status !== 200) throw new Error(`AddProjectGrant: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.grantId as string;
  }

  async addUserGrant(org: string, userId: string, body: { projectId: string; projectGrantId?: string; roleKeys?: string[] }): Promise<string> {
    const answer = await this.post(`/management/v1/users/${userId}/grants`, body, org);
    if (answer.status !== 200) throw new Error(`AddUserGrant: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.userGrantId as string;
  }
}

/** Asserts a ZITADEL error answer: HTTP status, gRPC code and error id. */
export function expectZitadelError(answer: HttpAnswer, status: number, code: number, id: string): void {
  expect({ status: answer.status, code: answer.body?.code, id: answer.body?.details?.[0]?.id }).toEqual({ status, code, id });
  expect(answer.body.details[0]['@type']).toBe('type.googleapis.com/zitadel.v1.ErrorDetail');
  expect(answer.body.message).toBe(`${answer.body.details[0].message} (${id})`);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
