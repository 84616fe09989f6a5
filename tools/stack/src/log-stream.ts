import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { logFile, type Layout } from './layout.js';

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];

/**
 * Follows the services' log files and writes each new line to stdout as `[name] line`. The services write to files,
 * not to pipes of `up`: they outlive a `up --detach`, and a foreground `up` that dies does not take them with it
 * (`down` still stops them).
 */
export class LogStream {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly width: number;

  constructor(
    private readonly layout: Layout,
    private readonly names: string[],
    private readonly options: { prefix?: boolean; out?: NodeJS.WriteStream } = {},
  ) {
    this.width = Math.max(...names.map((n) => n.length));
    // Only what is written from now on: a log of an earlier `up` stays in the file.
    for (const name of names) {
      const path = logFile(layout, name);
      this.offsets.set(name, existsSync(path) ? statSync(path).size : 0);
    }
  }

  start(intervalMs = 200): void {
    this.timer ??= setInterval(() => this.flush(), intervalMs);
  }

  /** Writes what is left and stops following; nothing when it was never started. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** Writes what every log gained since the last call. */
  flush(): void {
    for (const [index, name] of this.names.entries()) {
      const path = logFile(this.layout, name);
      if (!existsSync(path)) continue;
      const offset = this.offsets.get(name) ?? 0;
      const size = statSync(path).size;
      if (size <= offset) continue;
      // At most 1 MiB per tick: a log that grows fast is read over several ticks instead of at once.
      const length = Math.min(size - offset, 1 << 20);
      const buffer = Buffer.alloc(length);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, length, offset);
      } finally {
        closeSync(fd);
      }
      this.offsets.set(name, offset + length);
      const text = (this.partial.get(name) ?? '') + buffer.toString('utf8');
      const lines = text.split('\n');
      this.partial.set(name, lines.pop() ?? '');
      const out = this.options.out ?? process.stdout;
      const label = `[${name}]`.padEnd(this.width + 2);
      const prefix = this.options.prefix === false ? '' : `${out.isTTY ? `\u001b[${COLOURS[index % COLOURS.length]}m${label}\u001b[0m` : label} `;
      for (const line of lines) out.write(`${prefix}${line}\n`);
    }
  }
}
