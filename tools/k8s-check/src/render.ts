import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import type { Manifest } from './manifest.js';

/** Every kustomization.yaml below `dir`. */
function kustomizations(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return kustomizations(path);
    return entry === 'kustomization.yaml' ? [path] : [];
  });
}

/** The files the secret generators read (`key=path` or `path`): the operator provides them; a check makes stand-ins. */
function secretFiles(kustomization: string): string[] {
  const doc = parse(readFileSync(kustomization, 'utf8')) as { secretGenerator?: { files?: string[] }[] } | null;
  return (doc?.secretGenerator ?? []).flatMap((generator) => (generator.files ?? []).map((file) => join(dirname(kustomization), file.split('=').at(-1)!)));
}

/**
 * `kubectl kustomize` of one overlay, offline, on a copy of the manifests folder in which every secret file the
 * generators name holds a stand-in value (no real secret is needed, or read, to check the manifests).
 */
export function renderOverlay(k8sDir: string, overlay: string): Manifest[] {
  const copy = mkdtempSync(join(tmpdir(), 'k8s-check-'));
  try {
    cpSync(k8sDir, copy, { recursive: true });
    for (const kustomization of kustomizations(copy)) {
      for (const file of secretFiles(kustomization)) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, 'stand-in\n');
      }
    }
    const text = execFileSync('kubectl', ['kustomize', join(copy, 'overlays', overlay)], { encoding: 'utf8', timeout: 60_000 });
    return parseManifests(text);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The objects of a multi-document YAML text (empty documents skipped); throws on a YAML error. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors[0]!.message}`);
      return doc.toJSON() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** The overlays: every folder under overlays/. */
export function overlaysOf(k8sDir: string): string[] {
  return readdirSync(join(k8sDir, 'overlays')).filter((entry) => statSync(join(k8sDir, 'overlays', entry)).isDirectory());
}
