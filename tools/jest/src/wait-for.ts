export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

/** Calls `fn` until it stops throwing (its value is returned), or throws its last error after `timeout` ms. */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitOptions | number = {}): Promise<T> {
  const { timeout = 1000, interval = 50 } = typeof options === 'number' ? { timeout: options } : options;
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Calls `fn` until its value is truthy (and returns it), or throws after `timeout` ms. */
export async function waitUntil<T>(fn: () => T | Promise<T>, options: WaitOptions | number = {}): Promise<T> {
  const { timeout = 1000, interval = 50 } = typeof options === 'number' ? { timeout: options } : options;
  return waitFor(
    async () => {
      const value = await fn();
      if (!value) throw new Error(`condition not met within ${timeout} ms`);
      return value;
    },
    { timeout, interval },
  );
}
