import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npx nx serve dashboard` (or `npm run dev -w @loadtest/dashboard`): Vite on :5173 with the API and the live
// sockets proxied to a master (MASTER_URL, by default the one `npm start` runs).
const master = process.env.MASTER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    // libs/protocol reads plans' CSV feeders with csv-parse, whose Node build needs Node's Buffer: the browser
    // gets csv-parse's own browser build (it brings its Buffer), so a plan is checked here exactly as on the master.
    alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' },
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
