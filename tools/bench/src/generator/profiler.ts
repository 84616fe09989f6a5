import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * The V8 CPU profiler (what `node --cpu-prof` uses), started and stopped from
 * inside the process so that the profile covers only the measured interval.
 */
export class IntervalProfiler {
  private readonly session = new Session();

  private post<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
    });
  }

  async start(samplingIntervalUs = 1000): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await this.post('Profiler.start');
  }

  async stopTo(path: string): Promise<void> {
    const { profile } = await this.post<{ profile: unknown }>('Profiler.stop');
    this.session.disconnect();
    writeFileSync(path, JSON.stringify(profile));
  }
}
