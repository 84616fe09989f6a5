import type { Prisma } from './prisma.js';

/**
 * Typed protocol values (plans, loads, summaries) are plain JSON by
 * construction — they come out of zod schemas — but TypeScript cannot see that
 * an interface has no non-JSON members. This is the one place that says so.
 */
export function asJson<T extends object>(value: T): Prisma.InputJsonValue {
  return value as unknown as Prisma.InputJsonValue;
}
