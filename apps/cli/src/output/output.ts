import pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;

/** Where the CLI writes: the only module that touches stdout and stderr, so that tests and commands share one way of printing. */
export interface Output {
  /** Writes a line (or lines) to stdout. */
  line(text?: string): void;
  /** Writes text as it is to stdout (commander's help, which ends its own lines). */
  write(text: string): void;
  /** Writes text as it is to stderr. */
  writeError(text: string): void;
  /** Writes a line to stderr: errors and notices, kept out of piped results such as `loadtest import … > plan.yaml`. */
  error(text: string): void;
  /** Whether stdout is a terminal: the live view redraws in place there, and prints plain lines elsewhere (a CI log). */
  readonly isTTY: boolean;
  /** Colours when stdout is a terminal (or FORCE_COLOR is set), plain text otherwise (NO_COLOR, pipes, files). */
  readonly colors: Colors;
  /** The stream a live renderer draws on. */
  readonly stream: NodeJS.WriteStream;
}

/** Whether to colour: a terminal unless NO_COLOR (no-color.org), or FORCE_COLOR whatever the stream. */
export function colorsWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

export function processOutput(env: NodeJS.ProcessEnv = process.env): Output {
  const isTTY = process.stdout.isTTY === true;
  return {
    line: (text = '') => void process.stdout.write(`${text}\n`),
    write: (text) => void process.stdout.write(text),
    writeError: (text) => void process.stderr.write(text),
    error: (text) => void process.stderr.write(`${text}\n`),
    isTTY,
    colors: pc.createColors(colorsWanted(env, isTTY)),
    stream: process.stdout,
  };
}
