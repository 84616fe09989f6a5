import { Command, InvalidArgumentError, Option } from 'commander';
import { down } from './down.js';
import { layoutOf, resolveStateDir } from './layout.js';
import { formatStatus, status } from './status.js';
import { up } from './up.js';

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

const port = integer(1, 65535);

// `nx run` may exit on Ctrl-C before `up` has finished stopping the stack: writing to its closed pipe must not
// end `up` half-way (EPIPE), since the services' `down` matters more than its messages.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

function stateDirOption(): Option {
  return new Option('--state-dir <dir>', 'the stack’s folder: data, pid files, logs, secrets (relative to the repository)').env('STACK_DIR').default('.stack');
}

const program = new Command('stack')
  .description('The local stack: private RabbitMQ and PostgreSQL (the machine’s packages), the master, N workers and the dashboard’s dev server')
  .showHelpAfterError();

program
  .command('up')
  .description('start everything and wait until the master is ready and the workers registered; Ctrl-C stops it all (or --detach)')
  .addOption(new Option('-w, --workers <n>', 'worker processes').argParser(integer(1, 64)).default(2).env('STACK_WORKERS'))
  .addOption(new Option('--threads <n>', 'engine threads of each worker (WORKER_THREADS)').argParser(integer(1, 64)).default(1))
  .option('-d, --detach', 'return once everything is ready, leaving the stack running (then stack:status, stack:down)', false)
  .option('--no-dashboard', 'do not start the dashboard’s dev server (the master still serves the built dashboard)')
  .addOption(new Option('--pg-port <port>', 'PostgreSQL’s port').argParser(port).default(55432).env('STACK_PG_PORT'))
  .addOption(
    new Option('--amqp-port <port>', 'RabbitMQ’s AMQP port (its distribution port is +1, its epmd +2)').argParser(port).default(55672).env('STACK_AMQP_PORT'),
  )
  .addOption(new Option('--master-port <port>', 'the master’s HTTP port').argParser(port).default(18080).env('STACK_MASTER_PORT'))
  .addOption(new Option('--dashboard-port <port>', 'the dashboard dev server’s port').argParser(port).default(15173).env('STACK_DASHBOARD_PORT'))
  .addOption(
    new Option('--worker-port <port>', 'worker i serves its probes (/healthz, /readyz, /metrics) on this port + i')
      .argParser(port)
      .default(18090)
      .env('STACK_WORKER_PORT'),
  )
  .option('--pg-bin-dir <dir>', 'PostgreSQL’s binaries (default: the newest /usr/lib/postgresql/<version>/bin)')
  .addOption(new Option('--timeout <seconds>', 'limit of each start-up step').argParser(integer(5, 3600)).default(180))
  .addOption(stateDirOption())
  .action(async (opts: UpCliOptions) => {
    const layout = layoutOf(resolveStateDir(opts.stateDir));
    process.exitCode = await up(layout, {
      workers: opts.workers,
      threads: opts.threads,
      detach: opts.detach,
      dashboard: opts.dashboard,
      pgBinDir: opts.pgBinDir,
      timeoutMs: opts.timeout * 1000,
      ports: {
        postgres: opts.pgPort,
        amqp: opts.amqpPort,
        rabbitDist: opts.amqpPort + 1,
        epmd: opts.amqpPort + 2,
        master: opts.masterPort,
        dashboard: opts.dashboardPort,
        workerHttpBase: opts.workerPort,
      },
    });
  });

interface UpCliOptions {
  workers: number;
  threads: number;
  detach: boolean;
  dashboard: boolean;
  pgPort: number;
  amqpPort: number;
  masterPort: number;
  dashboardPort: number;
  workerPort: number;
  pgBinDir: string | undefined;
  timeout: number;
  stateDir: string;
}

program
  .command('status')
  .description('each process (pid, alive, port) and the workers the master sees; exit 0 when everything runs')
  .option('--json', 'print the status as JSON', false)
  .addOption(stateDirOption())
  .action(async (opts: { json: boolean; stateDir: string }) => {
    const s = await status(layoutOf(resolveStateDir(opts.stateDir)));
    process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
    process.exitCode = s.up ? 0 : 1;
  });

program
  .command('down')
  .description('stop everything (workers, dashboard, master, RabbitMQ, PostgreSQL) and check no process is left; exit 1 if one is')
  .option('--purge', 'also remove the state folder (databases, broker data, logs, secrets)', false)
  .addOption(stateDirOption())
  .action(async (opts: { purge: boolean; stateDir: string }) => {
    const layout = layoutOf(resolveStateDir(opts.stateDir));
    const left = await down(layout, { purge: opts.purge });
    if (left.length > 0) {
      process.stderr.write(`[stack] still running after down: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}\n`);
      process.exitCode = 1;
    } else process.stdout.write('[stack] no process of the stack is left\n');
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`[stack] ${(error as Error).message}\n`);
  process.exitCode = 1;
}
// Nothing of the stack is a child to wait for (the services run in their own sessions); an idle keep-alive socket of
// fetch must not hold `up --detach` back.
process.exit(process.exitCode ?? 0);
