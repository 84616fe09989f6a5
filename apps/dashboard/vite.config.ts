import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npx nx serve dashboard` (or `npm run dev -w @loadtest/dashboard`): Vite on :5173 with the API and the live
// sockets proxied to a master (MASTER_URL, by default the one `npm start` runs).
const master = process.env.MASTER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    // csv-parse needs Node's Buffer at load; see src/shims/csv-parse-sync.ts.
    alias: { 'csv-parse/sync': fileURLToPath(new URL('./src/shims/csv-parse-sync.ts', import.meta.url)) },
  },
  build: {
    // Nx's layout: the master serves dist/apps/dashboard (apps/master/src/dashboard).
    outDir: '../../dist/apps/dashboard',
    emptyOutDir: true,
    sourcemap: true,
    // The budget that matters is the initial JavaScript gzipped (issue: ≤ 300 KB), checked by the dashboard's tests;
    // Vite's default warning counts minified bytes before compression.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: master, ws: true },
      '/socket.io': { target: master, ws: true },
    },
  },
});
