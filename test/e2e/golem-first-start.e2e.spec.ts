/**
 * First start and restarts on one data dir (golem-api.md §1.2, §6.1): the generated bootstrap token
 * is a UUIDv4 that both dialects accept, the built-in Golem admin account is written once, and a
 * restart appends nothing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config';
import { CLI_PLATFORM_OPTIONS, Platform } from '../../src/platform/platform';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function start(dataDir: string) {
  const platform = await Platform.open(loadConfig({ GRANTLINE_DATA_DIR: dataDir, GRANTLINE_LOG_LEVEL: 'silent', PORT: '0' }), quiet);
  const app = await createApp(platform);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    platform,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await platform.close();
    },
  };
}

describe('first start and restart on one data dir', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'grantline-first-start-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates a UUIDv4 bootstrap token (mode 0600) that both dialects accept, and writes the Golem admin once', async () => {
    const first = await start(dataDir);
    let token: string;
    let head: number;
    try {
      const file = join(dataDir, 'bootstrap-token');
      token = readFileSync(file, 'utf8').trim();
      expect(token).toMatch(UUID_V4);
      expect(statSync(file).mode & 0o777).toBe(0o600);

      const admin = await fetch(`${first.url}/v1/accounts/admin`, { headers: { authorization: `Bearer ${token}` } });
      expect(admin.status).toBe(200);
      expect(await admin.json()).toEqual({ id: 'admin', name: 'Admin', email: 'admin@grantline.invalid', planId: '00000000-0000-0000-0000-000000000000' });
      const views = await fetch(`${first.url}/admin/v1/views/_search`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(views.status).toBe(200);

      const events = await first.platform.eventStore.readAll();
      expect(events.filter((event) => event.type === 'golem.account.created').map((event) => event.stream)).toEqual(['golem.account-admin']);
      head = await first.platform.eventStore.headPosition();
    } finally {
      await first.close();
    }

    const second = await start(dataDir);
    try {
      expect(readFileSync(join(dataDir, 'bootstrap-token'), 'utf8').trim()).toBe(token);
      expect(await second.platform.eventStore.headPosition()).toBe(head);
      const again = await fetch(`${second.url}/v1/accounts/admin`, { headers: { authorization: `Bearer ${token.toUpperCase()}` } });
      // The bootstrap token is compared exactly (constant time, before the UUID syntax check).
      expect(again.status).toBe(401);
      const admin = await fetch(`${second.url}/v1/accounts/admin`, { headers: { authorization: `Bearer ${token}` } });
      expect(admin.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('the operator CLI opens a store the service never started without writing to it (the audit reader is read-only)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'grantline-cli-open-'));
    try {
      const config = loadConfig({ GRANTLINE_DATA_DIR: fresh, GRANTLINE_BOOTSTRAP_TOKEN: 'cli-bootstrap-token-0123456789', GRANTLINE_LOG_LEVEL: 'silent' });
      const cli = await Platform.open(config, quiet, CLI_PLATFORM_OPTIONS);
      try {
        expect(cli.runner).toBeNull();
        expect(await cli.eventStore.headPosition()).toBe(0);
      } finally {
        await cli.close();
      }
      // The service's first start still writes the admin.
      const service = await Platform.open(config, quiet, { runProjections: false });
      try {
        expect((await service.eventStore.readAll()).map((event) => event.type)).toEqual(['unique.reserved', 'golem.account.created']);
      } finally {
        await service.close();
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
