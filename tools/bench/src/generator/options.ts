import { describeIssues } from '@loadtest/protocol';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Generator benchmark: one worker (its load path) vs raw autocannon vs wrk, each alone on one core,
against nginx pinned to another core; rounds in interleaved order.

  npm run bench:generator                                  3 rounds × 4 tools × 10 s, 50 connections
  npm run bench:generator -- --rounds 1 --duration 5       quick smoke run

Options
  --connections <n>       connections of every generator (default 50)
  --duration <s>          seconds per run (default 10)
  --rounds <n>            rounds of worker, autocannon, wrk, cli (and worker-flow, autocannon-flow), one after another (default 3)
  --cases <list>          what to measure, comma-separated (default get,flow): get = one GET / per iteration, worker vs
                          autocannon vs wrk; flow = GET / then POST / with JSON, the worker's flow path (a status check)
                          vs autocannon's own 2-request sequence
  --generator-cpu <n>     CPU every generator is pinned to (default 0)
  --target-cpu <n>        CPU nginx is pinned to (default 1)
  --quiet-cores <n>       before each run, wait until fewer than this many cores are busy (over 2 s) … (default 0.3)
  --quiet-wait-s <s>      … and no process matches --quiet-pattern, but at most this long; 0 does not wait (default 600)
  --quiet-pattern <re>    pgrep -f pattern of heavy work to wait out (default "jest|ci/run|bench:ingest")
  --profile-duration <s>  after the rounds, one extra run each of the worker and of autocannon under the V8 CPU
                          profiler (not counted), to show where the time goes; 0: none (default 10)
  --no-install            do not install missing nginx/wrk (apt-get) — fail instead
  --out <file>            where to write the JSON (default bench-results/generator.json)
  --help`;

const OptionsSchema = z
  .object({
    connections: z.coerce.number().int().min(1).max(10_000),
    duration: z.coerce.number().int().min(1).max(600),
    rounds: z.coerce.number().int().min(1).max(20),
    cases: z
      .string()
      .transform((v) => [...new Set(v.split(',').map((c) => c.trim()))])
      .pipe(z.array(z.enum(['get', 'flow'])).min(1)),
    generatorCpu: z.coerce.number().int().min(0).max(1023),
    targetCpu: z.coerce.number().int().min(0).max(1023),
    quietCores: z.coerce.number().positive().max(1024),
    quietWaitS: z.coerce.number().int().min(0).max(3600),
    quietPattern: z.string().min(1),
    profileDuration: z.coerce.number().int().min(0).max(600),
    install: z.boolean(),
    out: z.string().min(1),
  })
  .refine((o) => o.generatorCpu !== o.targetCpu, { message: 'the generators and nginx must be on different CPUs', path: ['targetCpu'] });

export type GeneratorBenchOptions = z.infer<typeof OptionsSchema>;

export type ParsedCommandLine = { help: true } | { help: false; options: GeneratorBenchOptions };

/** Reads the command line (without node and the script); throws an Error naming the bad flag. */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      cases: { type: 'string' },
      'generator-cpu': { type: 'string' },
      'target-cpu': { type: 'string' },
      'quiet-cores': { type: 'string' },
      'quiet-wait-s': { type: 'string' },
      'quiet-pattern': { type: 'string' },
      'profile-duration': { type: 'string' },
      'no-install': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const parsed = OptionsSchema.safeParse({
    connections: values.connections ?? '50',
    duration: values.duration ?? '10',
    rounds: values.rounds ?? '3',
    cases: values.cases ?? 'get,flow',
    generatorCpu: values['generator-cpu'] ?? '0',
    targetCpu: values['target-cpu'] ?? '1',
    quietCores: values['quiet-cores'] ?? '0.3',
    quietWaitS: values['quiet-wait-s'] ?? '600',
    quietPattern: values['quiet-pattern'] ?? 'jest|ci/run|bench:ingest',
    profileDuration: values['profile-duration'] ?? '10',
    install: !(values['no-install'] ?? false),
    out: values.out ?? 'bench-results/generator.json',
  });
  if (!parsed.success) throw new Error(`invalid options: ${describeIssues(parsed.error)}`);
  return { help: false, options: parsed.data };
}
