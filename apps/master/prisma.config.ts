import { defineConfig } from 'prisma/config';

// The Prisma CLI is used only to generate the client here. Pointing the schema
// engine at an existing file keeps it from trying to download one (there is no
// network on our machines); migrations are committed SQL that the master applies
// itself at start (src/persistence/migrate.ts).
process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ??= '/bin/false';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Not read by `generate`; env() would throw when DATABASE_URL is unset.
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
