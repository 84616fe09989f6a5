/** One value of an event's details, short: strings as they are, lists joined, objects as compact JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  return JSON.stringify(value);
}

/** An audit event's details as one line (`role: operator; hosts: a, b`), cut at `max` characters with an ellipsis. */
export function summariseDetails(details: Record<string, unknown>, max = 120): string {
  const text = Object.entries(details)
    .map(([key, value]) => `${key}: ${valueText(value)}`)
    .join('; ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
