import type { Logger } from 'pino';

/** What a close step is told: the signal that began the shutdown, and `hurry`, aborted by a second signal. */
export interface ShutdownStepContext {
  signal: NodeJS.Signals;
  /** Aborted by a second signal (with `laterSignals: 'hurry'`): a step waiting for something it may give up (runs in progress) stops waiting. */
  hurry: AbortSignal;
}

export interface ShutdownStep {
  /** What the step closes, named in the log when it fails or is still running at the time limit. */
  name: string;
  run(context: ShutdownStepContext): Promise<unknown> | void;
}

/** The part of `process` the shutdown uses; a test passes its own. */
export interface ShutdownProcess {
  on(event: NodeJS.Signals, listener: () => void): unknown;
  exit(code: number): void;
}

export interface ShutdownOptions {
  /** Names the process in the log: `master closed`. */
  name: string;
  logger: Logger;
  /**
   * What a signal after the first does. `hurry`: the second aborts the steps' `hurry` (a step waiting for
   * something it may give up ends its wait), the third exits 1 at once. `ignore`: nothing; the steps are
   * bounded by `limitMs` only.
   */
  laterSignals: 'hurry' | 'ignore';
  /** How long the steps may take in all, from the first signal; past it the process exits 1, naming the step still running. Unbounded when absent. */
  limitMs?: number;
  /**
   * A signal repeated within this long is the same one delivered twice, not a second request: one sent to
   * the process group of `npm start` reaches the process, and npm relays it too.
   */
  repeatedWithinMs?: number;
  signals?: readonly NodeJS.Signals[];
  process?: ShutdownProcess;
}

export interface Shutdown {
  /** The signal received before the steps were given (during start-up), if any. */
  readonly signalled: NodeJS.Signals | undefined;
  /**
   * Gives the close steps, run in order from the first signal on. A signal received before (during start-up)
   * starts them now. Every step runs even when an earlier one failed (what it opened still has to close);
   * the process then exits 1, or 0 when every step succeeded.
   */
  arm(steps: readonly ShutdownStep[]): void;
}

const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Listens for SIGTERM and SIGINT from now on, so that a signal during start-up is not lost (it is acted on
 * once the steps are given, see {@link Shutdown.arm}), and shuts the process down in ordered steps on the
 * first one.
 */
export function handleShutdownSignals(options: ShutdownOptions): Shutdown {
  const { logger, name } = options;
  const proc = options.process ?? process;
  const repeatedWithinMs = options.repeatedWithinMs ?? 1000;
  let steps: readonly ShutdownStep[] | undefined;
  let pending: NodeJS.Signals | undefined;
  let signals = 0;
  let lastSignalAt = 0;
  const hurry = new AbortController();

  const exit = (code: number) => proc.exit(code);

  const begin = (signal: NodeJS.Signals, armed: readonly ShutdownStep[]) => {
    logger.info({ signal }, 'shutting down');
    let current: string | undefined;
    if (options.limitMs !== undefined) {
      const limitMs = options.limitMs;
      setTimeout(() => {
        logger.error({ limitMs, step: current }, `shutdown: not done within ${limitMs} ms; exiting`);
        exit(1);
      }, limitMs).unref();
    }
    const run = async () => {
      let failed = false;
      for (const step of armed) {
        current = step.name;
        try {
          await step.run({ signal, hurry: hurry.signal });
        } catch (error) {
          failed = true;
          logger.error({ err: error, step: step.name }, 'shutdown failed');
        }
      }
      current = undefined;
      if (!failed) logger.info(`${name} closed`);
      return failed ? 1 : 0;
    };
    void run().then(exit);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!steps) {
      // Start-up is not over: the first signal is kept for when it is.
      if (!pending) {
        pending = signal;
        logger.info({ signal }, 'signal during start-up: closing once started');
      }
      return;
    }
    if (signals > 0 && Date.now() - lastSignalAt < repeatedWithinMs) return;
    signals++;
    lastSignalAt = Date.now();
    if (signals === 1) {
      begin(signal, steps);
      return;
    }
    if (options.laterSignals === 'ignore') {
      logger.info({ signal }, 'shutting down already: signal ignored');
      return;
    }
    if (signals === 2) {
      logger.warn({ signal }, 'second signal: closing now');
      hurry.abort();
      return;
    }
    logger.warn({ signal }, 'third signal: exiting at once');
    exit(1);
  };

  for (const signal of options.signals ?? DEFAULT_SIGNALS) proc.on(signal, () => onSignal(signal));

  return {
    get signalled() {
      return pending;
    },
    arm(armed) {
      if (steps) throw new Error(`${name}: the shutdown steps are given once`);
      steps = armed;
      if (pending) onSignal(pending);
    },
  };
}
