import type { ReceivedWindow } from './run-repository.js';
import type { RunStore } from './run-store.js';

interface Pending {
  row: ReceivedWindow;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Stores windows in batches: with hundreds of workers each sending a window a
 * second, one INSERT per window would cost the master most of its time. Each
 * `write` resolves only once its batch is committed, so a window is still
 * acknowledged to the broker only after it is stored; if a batch fails, each of
 * its windows is redelivered (a copy that was stored anyway is read once: the
 * readers count each (run, share, seq) once).
 */
export class WindowWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runs: Pick<RunStore, 'insertWindows'>,
    private readonly maxBatch = 250,
    private readonly maxDelayMs = 15,
  ) {}

  write(row: ReceivedWindow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxBatch) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
    });
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      await this.runs.insertWindows(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
