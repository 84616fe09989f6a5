import pino, { type Logger } from 'pino';

export function createLogger(name: string, bindings: Record<string, unknown> = {}, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid, ...bindings } });
}
