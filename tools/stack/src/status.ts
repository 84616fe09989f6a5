import { readSecrets, readState, type Layout } from './layout.js';
import { isStackProcess, readServicePid, stackProcesses } from './processes.js';
import { dashboardUrl, masterUrl, rabbitNodePid, workerName, workersSeen, type WorkerView } from './services.js';

export interface ProcessStatus {
  name: string;
  pid: number | null;
  alive: boolean;
  port: number | null;
}

export interface StackStatus {
  stateDir: string;
  /** Whether every process of the stack runs. */
  up: boolean;
  processes: ProcessStatus[];
  /** The workers the master lists (GET /api/v1/workers), or null when it does not answer. */
  workersSeen: WorkerView[] | null;
  /** Every process carrying the stack's marker (services and their helpers). */
  marked: number;
  masterUrl: string | null;
  dashboardUrl: string | null;
}

export async function status(layout: Layout): Promise<StackStatus> {
  const state = readState(layout);
  const marked = stackProcesses(layout).length;
  if (!state) return { stateDir: layout.dir, up: false, processes: [], workersSeen: null, marked, masterUrl: null, dashboardUrl: null };
  const entries: Array<[string, number | null]> = [
    ['postgres', state.ports.postgres],
    ['rabbitmq', state.ports.amqp],
    ['master', state.ports.master],
    ...state.workerIds.map((_, i): [string, number] => [workerName(i), state.ports.workerHttpBase + i + 1]),
    ...(state.dashboard ? [['dashboard', state.ports.dashboard] as [string, number]] : []),
  ];
  const processes = entries.map(([name, port]) => {
    // RabbitMQ: the node itself (beam.smp) is what must be alive, not only its launcher script.
    const pid = name === 'rabbitmq' ? (rabbitNodePid(layout) ?? readServicePid(layout, name)) : readServicePid(layout, name);
    return { name, pid: pid ?? null, alive: isStackProcess(layout, pid), port };
  });
  const secrets = readSecrets(layout);
  const master = processes.find((p) => p.name === 'master');
  const seen = secrets && master?.alive ? await workersSeen(state, secrets).catch(() => null) : null;
  return {
    stateDir: layout.dir,
    up: processes.every((p) => p.alive),
    processes,
    workersSeen: seen,
    marked,
    masterUrl: masterUrl(state),
    dashboardUrl: state.dashboard ? dashboardUrl(state) : null,
  };
}

export function formatStatus(s: StackStatus): string {
  if (s.processes.length === 0) {
    return `no stack in ${s.stateDir}${s.marked > 0 ? ` (yet ${s.marked} process(es) carry its marker: run stack:down)` : ''}\n`;
  }
  const rows = [['process', 'pid', 'alive', 'port'], ...s.processes.map((p) => [p.name, String(p.pid ?? '-'), p.alive ? 'yes' : 'NO', String(p.port ?? '-')])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
  lines.unshift(`stack in ${s.stateDir}: ${s.up ? 'up' : 'NOT fully up'} (${s.marked} processes in all, helpers included)`);
  lines.push(
    s.workersSeen === null
      ? 'workers the master sees: (the master does not answer)'
      : `workers the master sees: ${s.workersSeen.map((w) => `${w.id} ${w.state}`).join(', ') || 'none'}`,
  );
  lines.push(`master ${s.masterUrl}${s.dashboardUrl ? `, dashboard ${s.dashboardUrl}` : ''}`);
  return `${lines.join('\n')}\n`;
}
