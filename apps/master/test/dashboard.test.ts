import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessHub } from '@loadtest/transport';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Master } from '../src/app.js';
import { buildTestMaster } from './test-master.js';
import { dashboardDir } from '../src/dashboard/dashboard-dir.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

const INDEX = '<!doctype html><title>loadtest</title><div id="root"></div>';

describe('the master serves the dashboard at / (real PostgreSQL)', () => {
  let db: TestDatabase;
  let built: string;
  let master: Master;
  let unbuilt: Master;

  beforeAll(async () => {
    db = await createTestDatabase();
    built = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'index-CR88BvtI.js'), 'console.log(1)');
    writeFileSync(join(built, 'favicon.svg'), '<svg/>');
    master = await buildTestMaster({ prisma: db.prisma, transport: new InProcessHub(silent), logger: silent, dashboardDir: built });
    unbuilt = await buildTestMaster({ prisma: db.prisma, transport: new InProcessHub(silent), logger: silent, dashboardDir: null });
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await unbuilt?.app.close();
    await db?.drop();
    rmSync(built, { recursive: true, force: true });
  });

  it('answers / with the app, never cached (a new version shows at the next load)', async () => {
    const response = await master.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX);
  });

  it('caches content-hashed assets for good, and other files not', async () => {
    const asset = await master.app.inject({ method: 'GET', url: '/assets/index-CR88BvtI.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log(1)');
    const icon = await master.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it("answers the app's own routes with the app (a page reloaded or opened from a link)", async () => {
    for (const url of ['/runs', '/runs/6f1c1c64-4a43-4a3c-9a53-0e4a1d3d8c2b', '/workers?x=1']) {
      const response = await master.app.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode, body: response.body }).toEqual({ url, status: 200, body: INDEX });
    }
  });

  it("keeps the API's JSON 404 and a 404 for a missing file", async () => {
    const api = await master.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ statusCode: 404, message: 'no route for GET /api/v1/nothing-here' });
    const file = await master.app.inject({ method: 'GET', url: '/assets/missing-00000000.js' });
    expect(file.statusCode).toBe(404);
    expect((await master.app.inject({ method: 'POST', url: '/runs' })).statusCode).toBe(404);
  });

  it('still answers the API and its docs', async () => {
    expect((await master.app.inject({ method: 'GET', url: '/api/v1/workers' })).json()).toEqual({ items: [] });
    expect((await master.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('without a built dashboard, / says how to build it', async () => {
    const response = await unbuilt.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build -w @loadtest/dashboard');
    expect((await unbuilt.app.inject({ method: 'GET', url: '/runs' })).statusCode).toBe(404);
  });

  it('finds the built dashboard from LOADTEST_DASHBOARD_DIR, or by walking up to dist/apps/dashboard', () => {
    expect(dashboardDir({ LOADTEST_DASHBOARD_DIR: built })).toBe(built);
    expect(dashboardDir({ LOADTEST_DASHBOARD_DIR: join(built, 'assets') })).toBeNull();
    const root = mkdtempSync(join(tmpdir(), 'workspace-'));
    try {
      mkdirSync(join(root, 'dist/apps/dashboard'), { recursive: true });
      writeFileSync(join(root, 'dist/apps/dashboard/index.html'), INDEX);
      mkdirSync(join(root, 'apps/master/.start-bundle/master'), { recursive: true });
      expect(dashboardDir({}, join(root, 'apps/master/.start-bundle/master/main.js'))).toBe(join(root, 'dist/apps/dashboard'));
      expect(dashboardDir({}, join(root, 'dist/apps/master/main.js'))).toBe(join(root, 'dist/apps/dashboard'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
