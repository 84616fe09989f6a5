import { parse } from 'csv-parse/sync';
import type { Attachment, Feeder } from '@loadtest/protocol';

export type FeederFormat = 'csv' | 'json';

/** The rows of a feeder, as `${feeder.column}` reads them. */
export interface FeederData {
  columns: string[];
  /** At least one; every row has every column. */
  rows: Record<string, string>[];
}

/** Rows that cannot be read; the message names the attachment. */
export class FeederDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeederDataError';
  }
}

/** A feeder's format: its `format`, else its attachment's name (`.csv`, `.json`, any case); undefined when neither tells. */
export function feederFormat(feeder: Pick<Feeder, 'format' | 'attachment'>): FeederFormat | undefined {
  if (feeder.format) return feeder.format;
  const lower = feeder.attachment.toLowerCase();
  return lower.endsWith('.csv') ? 'csv' : lower.endsWith('.json') ? 'json' : undefined;
}

/** An attachment's content as text (base64 content is read as UTF-8), without a byte-order mark. */
export function attachmentText(attachment: Pick<Attachment, 'text' | 'base64'>): string {
  const text = attachment.text ?? Buffer.from(attachment.base64 ?? '', 'base64').toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function checkColumns(name: string, columns: string[]): void {
  const seen = new Set<string>();
  columns.forEach((column, i) => {
    if (column === '') throw new FeederDataError(`attachment "${name}": column ${i + 1} has no name`);
    if (seen.has(column)) throw new FeederDataError(`attachment "${name}": column "${column}" appears twice`);
    seen.add(column);
  });
}

/**
 * CSV: the first line names the columns (names are trimmed, values are kept
 * as they are), every other non-empty line is a row with as many fields; RFC
 * 4180 quoting (`"a,b"`, `""` for a quote). At least one row.
 */
function readCsv(name: string, text: string): FeederData {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new FeederDataError(`attachment "${name}" is not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...lines] = records;
  if (!header) throw new FeederDataError(`attachment "${name}" is empty: a CSV feeder needs a header line and at least one row`);
  const columns = header.map((column) => column.trim());
  checkColumns(name, columns);
  if (lines.length === 0) throw new FeederDataError(`attachment "${name}" has no rows under its header line`);
  return { columns, rows: lines.map((line) => Object.fromEntries(columns.map((column, i) => [column, line[i] ?? '']))) };
}

/** A JSON value as a variable's text: strings as they are, null as "", objects and arrays as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** JSON: an array of objects; the columns are the first object's keys, which every row must have. */
function readJson(name: string, text: string): FeederData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FeederDataError(`attachment "${name}" is not valid JSON: ${(error as Error).message}`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!Array.isArray(data))
    throw new FeederDataError(
      `attachment "${name}" must hold a JSON array of objects, not ${data === null ? 'null' : typeof data === 'object' ? 'an object' : `a ${typeof data}`}`,
    );
  if (data.length === 0) throw new FeederDataError(`attachment "${name}" has no rows (an empty array)`);
  const rows: Record<string, string>[] = [];
  let columns: string[] = [];
  for (const [i, row] of data.entries()) {
    if (!isObject(row)) throw new FeederDataError(`attachment "${name}": row ${i + 1} is not an object`);
    if (i === 0) {
      columns = Object.keys(row);
      if (columns.length === 0) throw new FeederDataError(`attachment "${name}": the first row has no keys, so the feeder has no columns`);
      checkColumns(name, columns);
    }
    const missing = columns.find((column) => !(column in row));
    if (missing !== undefined)
      throw new FeederDataError(`attachment "${name}": row ${i + 1} has no "${missing}" (every row needs the first row's keys: ${columns.join(', ')})`);
    rows.push(Object.fromEntries(columns.map((column) => [column, asText(row[column])])));
  }
  return { columns, rows };
}

/** Reads a feeder's rows from its attachment, the way workers feed them. Throws a {@link FeederDataError}. */
export function readFeederData(attachment: Pick<Attachment, 'name' | 'text' | 'base64'>, format: FeederFormat): FeederData {
  const text = attachmentText(attachment);
  return format === 'csv' ? readCsv(attachment.name, text) : readJson(attachment.name, text);
}
