/**
 * A `datetime-local` input's value (the user's own clock, `2026-12-03T10:30`) as the ISO 8601 instant the API
 * takes; undefined when empty or not a date.
 */
export function instantOfLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
