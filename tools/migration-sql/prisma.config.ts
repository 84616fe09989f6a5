import { defineConfig } from 'prisma/config';

// Prisma 6.19.3 Wasm ("js") schema engine, used ONLY for offline `migrate diff`
// between two datamodels. The engine insists on an adapter and, on startup, runs exactly
// one probe query (schema exists?/version()). We answer that probe with a fake result;
// anything else throws, so nothing can silently depend on a database.
const PG_VERSION_NUM = 150000; // pretend PostgreSQL 15 (lowest server we target)

const unexpected = (what: string) => async (): Promise<never> => {
  throw new Error(`offline stub adapter: unexpected ${what}`);
};

const conn = {
  provider: 'postgres' as const,
  adapterName: 'offline-stub',
  async queryRaw(q: { sql: string }) {
    if (q.sql.includes('version()')) {
      // ColumnTypeEnum: Boolean=5, Text=7, Int32=0
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [5, 7, 0],
        rows: [[true, 'PostgreSQL 15.0 (offline stub)', PG_VERSION_NUM]],
      };
    }
    throw new Error(`offline stub adapter: unexpected query: ${q.sql}`);
  },
  executeRaw: unexpected('executeRaw'),
  executeScript: unexpected('executeScript'),
  startTransaction: unexpected('startTransaction'),
  getConnectionInfo: () => ({ supportsRelationJoins: true }),
  dispose: async () => {},
};

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    ({
      provider: 'postgres',
      adapterName: 'offline-stub',
      connect: async () => conn,
      connectToShadowDb: async () => conn,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a hand-made stub of Prisma 6's adapter interface, which it does not export
    }) as any,
});
