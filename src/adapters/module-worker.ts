import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts `<dir>/<name>` on a worker thread. Built code runs the compiled `.js` beside this file;
 * the test run loads sources, so there the worker compiles its `.ts` files on the fly with swc
 * (the compiler jest uses, configured by .swcrc) through a `pirates` require hook. Both are dev
 * dependencies, never loaded by the built service.
 */
export function startModuleWorker(dir: string, name: string, workerData: unknown): Worker {
  const extension = extname(__filename);
  const file = join(dir, `${name}${extension}`);
  if (extension === '.js') return new Worker(file, { workerData });
  return new Worker(TYPESCRIPT_BOOTSTRAP, { eval: true, workerData, argv: [file] });
}

/** Worker code that loads the TypeScript module named by its first argument. */
const TYPESCRIPT_BOOTSTRAP = `
const { transformSync } = require('@swc/core');
require('pirates').addHook((code, filename) => transformSync(code, { filename }).code, { exts: ['.ts'] });
require(process.argv[2]);
`;
