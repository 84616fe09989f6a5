import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The first of `candidates` that exists: a thread's entry is its TypeScript
 * source when run through tsx, or a file of a built bundle.
 */
export function firstExistingEntry(candidates: readonly URL[], what: string): string {
  const paths = candidates.map((url) => fileURLToPath(url));
  const found = paths.find((path) => existsSync(path));
  if (!found) throw new Error(`${what} not found; looked in ${paths.join(', ')}`);
  return found;
}

/**
 * What to hand `new Worker()` for an entry. Worker threads do not inherit
 * tsx's loader, so a TypeScript entry is started through a one-line ES module
 * that registers tsx first; a JavaScript entry is started as it is.
 */
export function threadUrl(entry: string): URL {
  if (!entry.endsWith('.ts')) return pathToFileURL(entry);
  const bootstrap = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(pathToFileURL(entry).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}
