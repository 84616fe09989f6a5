/**
 * Stands in for `csv-parse/sync` in the browser build (vite.config.ts alias). libs/protocol still holds the
 * plan's CSV feeders, and csv-parse needs Node's Buffer as soon as it is loaded; the dashboard never parses a
 * feeder (the master does, when a plan is saved). Goes away when the plan semantics leave libs/protocol
 * (issue 11, point 3: browser-safe contracts).
 */
export function parse(): never {
  throw new Error('CSV feeders are parsed by the master, not in the browser');
}
