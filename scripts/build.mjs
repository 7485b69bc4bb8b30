#!/usr/bin/env node
// Builds the server to run as plain JavaScript: tsc builds each workspace package the server imports
// (protocol, server-sdk, node-client, …: found from package.json dependencies, dependencies first)
// and the server into their dist/, then esbuild bundles the browser SDK into packages/server/dist/sdk/
// with its manifest (hashes). `npm run build` always builds; `npm start` (scripts/start.mjs) builds
// only when the build is missing or older than its inputs (see isBuildCurrent).
// tsc and esbuild run as child processes, so a server started after a build holds neither in memory.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SERVER_DIST = join(ROOT, 'packages/server/dist');
/** Written last by a successful build; its mtime is the time the build started. */
export const STAMP = join(SERVER_DIST, '.build-stamp');

/** Workspace package name → its directory, from the root package.json's workspaces. */
function workspaces() {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return new Map(root.workspaces.map((dir) => [JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).name, join(ROOT, dir)]));
}

/** `name` and the workspace packages it depends on, transitively, dependencies before dependents. */
function closure(name, all, out = []) {
  const dir = all.get(name);
  if (!dir || out.includes(dir)) return out;
  const deps = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {});
  for (const dep of deps) closure(dep, all, out);
  if (!out.includes(dir)) out.push(dir);
  return out;
}

/** The packages tsc builds (the server last), and those whose sources only the SDK bundle reads. */
export function buildPlan() {
  const all = workspaces();
  const compiled = closure('@roomkit/server', all);
  const bundled = closure('@roomkit/client', all).filter((dir) => !compiled.includes(dir));
  return { compiled, bundled };
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows as a newer directory
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * The build is current when every built package has its dist/, the SDK bundle and the stamp exist, and
 * nothing it is built from (each package's src/, package.json and tsconfig.build.json, the root
 * tsconfig.build.json) changed since the last build started. Editing a test file also counts:
 * a spare rebuild is cheaper than a stale server.
 */
export function isBuildCurrent() {
  if (!existsSync(STAMP) || !existsSync(join(SERVER_DIST, 'sdk/manifest.json'))) return false;
  const { compiled, bundled } = buildPlan();
  if (compiled.some((dir) => !existsSync(join(dir, 'dist')))) return false;
  const inputs = [join(ROOT, 'tsconfig.build.json')];
  for (const dir of [...compiled, ...bundled]) inputs.push(join(dir, 'src'), join(dir, 'package.json'), join(dir, 'tsconfig.build.json'));
  const stamp = statSync(STAMP).mtimeMs;
  return inputs.every((path) => newestMtime(path) <= stamp);
}

/**
 * Every export of a built package needs the `roomkit-dist` condition (→ its dist/), or the compiled
 * server would load that package's TypeScript source with plain node and fail at run time.
 */
export function checkExports(dirs) {
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.name === '@roomkit/server') continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target !== 'object' || typeof target?.['roomkit-dist'] !== 'string') {
        throw new Error(`${pkg.name}: exports["${subpath}"] has no "roomkit-dist" condition (e.g. { "roomkit-dist": "./dist/index.js", "default": "./src/index.ts" }); the compiled server needs it to load the built package`);
      }
    }
  }
}

export function build({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const started = new Date();
  const require = createRequire(join(ROOT, 'package.json'));
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    throw new Error('cannot build: the "typescript" package is not installed (run "npm ci" in the repository root)');
  }
  const { compiled } = buildPlan();
  checkExports(compiled);
  rmSync(STAMP, { force: true });
  for (const dir of compiled) {
    log(`build: tsc ${join(dir, 'tsconfig.build.json').slice(ROOT.length + 1)}`);
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  }
  log('build: esbuild browser SDK → packages/server/dist/sdk');
  execFileSync(process.execPath, [join(SERVER_DIST, 'http/sdkBuild.js'), join(SERVER_DIST, 'sdk')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}

/** Builds unless current; returns whether it built. */
export function ensureBuilt(options) {
  if (isBuildCurrent()) return false;
  build(options);
  return true;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    if (process.argv.includes('--if-needed')) {
      if (!ensureBuilt()) process.stderr.write('build: up to date\n');
    } else build();
  } catch (err) {
    process.stderr.write(`build failed: ${err.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
