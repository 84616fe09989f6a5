import { parseAllowlist, type Allowlist, type Lookup } from '@loadtest/targets';
import { auditInsert, type AuditRecord } from '../audit/audit-record.js';
import type { PrismaClient } from '../persistence/prisma.js';
import type { TargetSettings } from './target-check.js';

/**
 * The master's target allowlist: the environment's entries (LOADTEST_TARGET_ALLOWLIST, or the mode's default) plus
 * those admins store through the API. The stored ones are read at start and kept in memory with each change, so a
 * check costs no query. Workers check their own environment's list again (they do not trust the master): a stored
 * entry sends load only where the workers' list allows it too.
 */
export class StoredAllowlist implements TargetSettings {
  private stored: string[] = [];
  private merged: Allowlist;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly base: TargetSettings,
  ) {
    this.merged = base.allowlist;
  }

  get allowlist(): Allowlist {
    return this.merged;
  }

  get lookup(): Lookup | undefined {
    return this.base.lookup;
  }

  get storedEntries(): readonly string[] {
    return this.stored;
  }

  get environmentEntries(): string[] {
    return this.base.allowlist.entries.map((e) => e.text);
  }

  async load(): Promise<void> {
    const rows = await this.prisma.allowlistEntry.findMany({ orderBy: { createdAt: 'asc' } });
    this.apply(rows.map((r) => r.entry));
  }

  /** Replaces the stored entries (already validated with {@link parseStoredEntries}) and records the change, in one transaction. */
  async replace(entries: readonly string[], audit: AuditRecord): Promise<void> {
    const unique = [...new Set(entries.map((e) => e.trim()))];
    const before = this.stored;
    await this.prisma.$transaction([
      this.prisma.allowlistEntry.deleteMany({}),
      this.prisma.allowlistEntry.createMany({ data: unique.map((entry) => ({ entry })) }),
      auditInsert(this.prisma, { ...audit, subjectType: 'allowlist', details: { before, after: unique } }),
    ]);
    this.apply(unique);
  }

  private apply(entries: string[]): void {
    this.stored = entries;
    this.merged = { entries: [...this.base.allowlist.entries, ...parseAllowlist(entries).entries], denied: this.base.allowlist.denied };
  }
}

/** Each entry that does not parse, with its index: `entries[2]: allowlist entry "x:y": …`. */
export function storedEntryIssues(entries: readonly string[]): { path: string; message: string }[] {
  return entries.flatMap((entry, i) => {
    try {
      parseAllowlist([entry]);
      return [];
    } catch (error) {
      return [{ path: `entries[${i}]`, message: (error as Error).message }];
    }
  });
}
