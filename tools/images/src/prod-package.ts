import { isBuiltin } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The production dependencies of an app's bundle, for its image. The bundle (tools/build/bundle-app.mjs) compiles
 * our libraries in and leaves npm packages external, so an image needs a node_modules holding exactly what the
 * bundle imports, at the versions the workspace tested. The workspace's own node_modules cannot be copied: its
 * layout depends on where a package is resolved from (node_modules/yaml is 1.10.3, a dev tool's, while
 * apps/master and libs/plan resolve yaml 2.x from their own node_modules), and a bundle resolves every import,
 * its libraries' included, from its own folder. So the image gets a package.json of its own, each package pinned to
 * the version the importing workspace resolves, and a lockfile seeded from the workspace's.
 */

interface LockEntry {
  version?: string;
  dev?: boolean;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

export interface ProdPackage {
  packageJson: { name: string; version: string; private: true; type: 'module'; dependencies: Record<string, string> };
  /** A starting lockfile; `npm install --package-lock-only` then prunes it and fills in what is missing. */
  lockfile: Lockfile;
  /** Imports that cannot be pinned statically (a computed specifier), for the operator to know. */
  dynamic: string[];
}

/** The package a bare specifier names: `@scope/name/sub/path` → `@scope/name`, `csv-parse/sync` → `csv-parse`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The npm packages an ES module bundle imports (static imports, re-exports, literal dynamic imports). */
export function bundleImports(code: string): { packages: string[]; dynamic: string[] } {
  const packages = new Set<string>();
  const dynamic = new Set<string>();
  const literal = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;
  for (const match of code.matchAll(literal)) {
    const specifier = match[2]!;
    if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) continue;
    packages.add(packageName(specifier));
  }
  for (const match of code.matchAll(/\bimport\s*\(\s*`([^`]*)`/g)) dynamic.add(match[1]!);
  return { packages: [...packages].sort(), dynamic: [...dynamic].sort() };
}

/** The workspaces an app depends on, itself first, then its libraries (transitively), as lockfile paths. */
export function workspaceChain(lock: Lockfile, appPath: string): string[] {
  const byName = new Map<string, string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.link && typeof entry.resolved === 'string' && path.startsWith('node_modules/')) byName.set(path.slice('node_modules/'.length), entry.resolved);
  }
  const chain: string[] = [];
  const visit = (path: string) => {
    if (chain.includes(path)) return;
    chain.push(path);
    for (const dependency of Object.keys(lock.packages[path]?.dependencies ?? {})) {
      const workspace = byName.get(dependency);
      if (workspace) visit(workspace);
    }
  };
  visit(appPath);
  return chain;
}

/**
 * Where the workspace resolves `name` for the app's bundle: the app's own node_modules first, then a library's it
 * depends on (lib code is in the bundle), then the hoisted one. A hoisted entry that only dev tools use is not
 * what the code was tested with, and two libraries pinning different versions cannot both be honoured: both fail.
 */
export function resolveForApp(lock: Lockfile, chain: string[], name: string): { path: string; version: string } {
  const [app, ...libs] = chain;
  const own = lock.packages[`${app}/node_modules/${name}`];
  if (own?.version) return { path: `${app}/node_modules/${name}`, version: own.version };
  const fromLibs = libs.map((lib) => `${lib}/node_modules/${name}`).filter((path) => lock.packages[path]?.version);
  const versions = new Set(fromLibs.map((path) => lock.packages[path]!.version));
  if (versions.size > 1) throw new Error(`${name}: the app's libraries resolve different versions (${fromLibs.join(', ')})`);
  if (fromLibs.length > 0) return { path: fromLibs[0]!, version: lock.packages[fromLibs[0]!]!.version! };
  const hoisted = lock.packages[`node_modules/${name}`];
  if (!hoisted?.version) throw new Error(`${name}: imported by the bundle but not in package-lock.json`);
  if (hoisted.dev) throw new Error(`${name}: imported by the bundle but installed only as a dev dependency (node_modules/${name})`);
  return { path: `node_modules/${name}`, version: hoisted.version };
}

/** The app's production package.json and a seed lockfile, from its bundle's files and the workspace's lockfile. */
export function prodPackage(options: { app: string; appPath: string; bundleCode: string[]; lock: Lockfile }): ProdPackage {
  const { lock } = options;
  const chain = workspaceChain(lock, options.appPath);
  const packages = new Set<string>();
  const dynamic = new Set<string>();
  for (const code of options.bundleCode) {
    const found = bundleImports(code);
    found.packages.forEach((p) => packages.add(p));
    found.dynamic.forEach((d) => dynamic.add(d));
  }
  const dependencies: Record<string, string> = {};
  const chosen = new Map<string, string>();
  for (const name of [...packages].sort()) {
    const { path, version } = resolveForApp(lock, chain, name);
    dependencies[name] = version;
    chosen.set(name, path);
  }
  const packageJson = {
    name: `@loadtest/${options.app}-image`,
    version: lock.packages[options.appPath]?.version ?? '0.0.0',
    private: true as const,
    type: 'module' as const,
    dependencies,
  };
  // Seed: every hoisted production entry (what the workspace tested), then each chosen package moved to the top
  // with the entries nested under it. npm prunes what the app does not need and resolves anything left open.
  const seeded: Record<string, LockEntry> = { '': { name: packageJson.name, version: packageJson.version, dependencies } };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.link && !path.startsWith('node_modules/@loadtest/')) seeded[path] = entry;
  }
  for (const [name, path] of chosen) {
    if (path === `node_modules/${name}`) continue;
    for (const [nested, entry] of Object.entries(lock.packages)) {
      if (nested === path || nested.startsWith(`${path}/`)) {
        const target = `node_modules/${name}${nested.slice(path.length)}`;
        for (const stale of Object.keys(seeded)) if (stale === target || stale.startsWith(`${target}/`)) delete seeded[stale];
        seeded[target] = entry;
      }
    }
  }
  return {
    packageJson,
    lockfile: { name: packageJson.name, version: packageJson.version, lockfileVersion: 3, requires: true, packages: seeded },
    dynamic: [...dynamic],
  };
}

/** Reads an app's bundle folder: every .js file at its top. */
export function readBundle(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}
