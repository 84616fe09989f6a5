/** Requests in one statement at most: each statement holds a pool connection, and windows need theirs. */
const MAX_BATCH = 1000;

interface Asked<Q, R> {
  request: Q;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Gathers the requests made within one turn of the event loop and answers them with one call of `answer`, which
 * returns one result per request, in order. A thousand workers say the same thing within the same moment (their
 * shares started, their shares ended): one statement each, through Prisma, was seconds of the master's time.
 */
export class TurnBatch<Q, R> {
  private queue: Asked<Q, R>[] = [];
  private scheduled = false;

  constructor(
    private readonly answer: (requests: Q[]) => Promise<R[]>,
    /** What a batch does, for the error of a batch that failed ("mark shares started"). */
    private readonly what: string,
  ) {}

  ask(request: Q): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (let from = 0; from < queue.length; from += MAX_BATCH) await this.answerBatch(queue.slice(from, from + MAX_BATCH));
  }

  private async answerBatch(batch: Asked<Q, R>[]): Promise<void> {
    try {
      const results = await this.answer(batch.map((asked) => asked.request));
      batch.forEach((asked, i) => asked.resolve(results[i]!));
    } catch (error) {
      for (const asked of batch) asked.reject(new Error(`cannot ${this.what} (${batch.length} at once): ${(error as Error).message}`, { cause: error }));
    }
  }
}
