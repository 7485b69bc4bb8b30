#!/usr/bin/env node
// Keeps the server's layers one-way: media ← rooms ← signaling/api. A file in a lower layer may not
// import from a higher one. Fails the test run with the offending import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve('packages/server/src');
// Lower number = lower layer. A file may import only from its own layer or lower ones.
const rank = { media: 0, rooms: 1, signaling: 2, api: 2, http: 3 };
const forbiddenInMedia = [/^fastify/, /^ws$/, /\/auth\//, /\/store\//];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const layerOf = (file) => relative(root, file).split('/')[0];
let bad = 0;
for (const file of walk(root)) {
  const from = layerOf(file);
  if (!(from in rank)) continue;
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)) {
    const spec = m[1];
    if (from === 'media' && forbiddenInMedia.some((re) => re.test(spec))) {
      console.error(`${relative('.', file)}: media may not import ${spec}`);
      bad++;
    }
    if (!spec.startsWith('.')) continue;
    const to = layerOf(resolve(dirname(file), spec));
    if (to in rank && rank[to] > rank[from]) {
      console.error(`${relative('.', file)}: layer '${from}' may not import from '${to}' (${spec})`);
      bad++;
    }
  }
}
if (bad) process.exit(1);
console.log('layers ok: media <- rooms <- signaling/api');
