import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import { describeReadStoreContract } from '../contract/read-store.contract';

describeReadStoreContract('SqliteReadStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'grantline-read-store-'));
  const store = new SqliteReadStore(join(dir, 'read.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
