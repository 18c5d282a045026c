#!/usr/bin/env node
/**
 * @zitadel/proto ships a CommonJS build in `cjs/` inside a `"type": "module"` package, so Node
 * loads those .js files as ES modules and they fail. Marking that folder CommonJS makes the
 * package's own `require` export condition work. Runs after every install; a no-op without it.
 */
const { existsSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '..', 'node_modules', '@zitadel', 'proto', 'cjs');
if (existsSync(dir)) writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
