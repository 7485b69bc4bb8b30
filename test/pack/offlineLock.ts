// Builds a package-lock.json for a throwaway app from the workspace's own lock, so `npm ci --offline`
// can install the packed tarballs' third-party dependencies from the npm cache `npm ci` filled: no
// registry lookups (the tests run in a loopback-only namespace), no workspace links.
import { readFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The lock entries (by node_modules path) of `names` and everything they depend on. */
function closure(lock: Record<string, LockEntry>, names: string[]): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const visit = (from: string, name: string, optional: boolean): void => {
    // Node's lookup: nested node_modules first, then each parent's, then the top level.
    let dir = from;
    for (;;) {
      const path = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      const entry = lock[path];
      if (entry && !entry.link) {
        if (out[path]) return;
        out[path] = entry;
        for (const dep of Object.keys(entry.dependencies ?? {})) visit(path, dep, false);
        // npm installs peers too; a peer the workspace lock lacks is one nothing here uses.
        for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(path, dep, true);
        for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(path, dep, true);
        return;
      }
      if (!dir) break;
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut < 0 ? '' : dir.slice(0, cut);
    }
    // Optional platform packages for other OSes are absent from the installed tree but present in the
    // lock at top level; a genuinely missing required dependency is a bug in the workspace lock.
    if (!optional) throw new Error(`offlineLock: ${name} (needed by ${from || 'the app'}) is not in the workspace lock`);
  };
  for (const name of names) visit('', name, false);
  return out;
}

export interface TarballSpec {
  name: string;
  version: string;
  file: string; // absolute path of the .tgz
  dependencies: Record<string, string>;
  /** The published `bin` (npm ci links executables from the lock's entry, not the tarball). */
  bin?: Record<string, string>;
}

/**
 * A lockfileVersion 3 lock for an app depending on `tarballs` plus `extra` third-party packages
 * (at the workspace's versions), every third-party package pinned to the workspace lock's integrity.
 */
export function offlineLock(workspaceLockPath: string, tarballs: TarballSpec[], extra: string[]): {
  packageJson: Record<string, unknown>;
  lock: Record<string, unknown>;
} {
  const root = JSON.parse(readFileSync(workspaceLockPath, 'utf8')) as { packages: Record<string, LockEntry> };
  const ours = new Set(tarballs.map((t) => t.name));
  const thirdParty = new Set(extra);
  for (const t of tarballs) for (const dep of Object.keys(t.dependencies)) if (!ours.has(dep)) thirdParty.add(dep);
  const packages: Record<string, LockEntry> = closure(root.packages, [...thirdParty]);
  const appDeps: Record<string, string> = {};
  for (const t of tarballs) {
    appDeps[t.name] = `file:${t.file}`;
    packages[`node_modules/${t.name}`] = { version: t.version, resolved: `file:${t.file}`, dependencies: t.dependencies, ...(t.bin ? { bin: t.bin } : {}) };
  }
  for (const name of extra) appDeps[name] = root.packages[`node_modules/${name}`].version!;
  const app = { name: 'roomkit-pack-app', version: '0.0.0', private: true, dependencies: appDeps };
  return {
    packageJson: app,
    lock: { name: app.name, version: app.version, lockfileVersion: 3, requires: true, packages: { '': app, ...packages } },
  };
}
