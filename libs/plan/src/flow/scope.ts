import { variableScalar, type VariableValue } from '@loadtest/protocol';
import type { Lookup } from './template.js';

/** One row of a feeder: column → value. */
export type Row = Readonly<Record<string, string>>;

/** A JSON value as a variable's text, as feeders read them: strings as they are, null as '', objects and arrays as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A virtual user's variables during one iteration: the plan's variables, then
 * what the steps extracted, and the current row of each feeder (as
 * `feeder.column`). Each iteration starts again from the plan's variables.
 */
export class Scope {
  private readonly initial: ReadonlyMap<string, string>;
  private readonly vars = new Map<string, string>();
  private readonly rows = new Map<string, Row>();

  /** A secret variable (`{ value, secret: true }`) is used like any other: only the API, logs and dashboard mask it. */
  constructor(variables: Readonly<Record<string, VariableValue>>) {
    this.initial = new Map(Object.entries(variables).map(([name, value]) => [name, String(variableScalar(value))]));
    for (const [name, value] of this.initial) this.vars.set(name, value);
  }

  /** Back to the plan's variables, with these feeder rows. */
  reset(rows: ReadonlyMap<string, Row>): void {
    // Refilled rather than replaced: once per iteration, on the flow's hot path.
    this.vars.clear();
    for (const [name, value] of this.initial) this.vars.set(name, value);
    this.rows.clear();
    for (const [name, row] of rows) this.rows.set(name, row);
  }

  get(name: string): string | undefined {
    return this.vars.get(name);
  }

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  unset(name: string): void {
    this.vars.delete(name);
  }

  /** `name` is a variable, `feeder.column` a column of the feeder's current row; unknown ones are ''. */
  readonly lookup: Lookup = (ref) => {
    const dot = ref.indexOf('.');
    if (dot < 0) return this.vars.get(ref) ?? '';
    return this.rows.get(ref.slice(0, dot))?.[ref.slice(dot + 1)] ?? '';
  };
}
