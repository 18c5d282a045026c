#!/usr/bin/env node
/**
 * Layer rule (STYLE.md rule 6): the kernel and the domain (deciders, events, projections) import
 * neither a framework nor a database driver. Fails the test run when one does.
 */
const { readFileSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..', 'src');
const FORBIDDEN = /from '(@nestjs\/[^']*|fastify[^']*|better-sqlite3|mongodb|@eventstore\/[^']*)'/;
/** Files that must stay pure: the kernel, and every decider, event and projection module. */
const PURE = /(^kernel\/)|(\.decider\.ts$)|(\.events\.ts$)|(\.projection\.ts$)|(^projections\/(?!.*\.spec\.ts$))/;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const violations = [];
for (const file of walk(root)) {
  const rel = relative(root, file).split('\\').join('/');
  if (!rel.endsWith('.ts') || rel.endsWith('.spec.ts') || !PURE.test(rel)) continue;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const match = FORBIDDEN.exec(line);
      if (match) violations.push(`src/${rel}:${index + 1} imports ${match[1]}`);
    });
}
if (violations.length > 0) {
  console.error(`Layer rule violated (domain code must not import frameworks or drivers):\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log('layer rule: kernel, deciders, events and projections import no framework or driver');
