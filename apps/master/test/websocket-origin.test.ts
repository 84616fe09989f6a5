import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessHub } from '@loadtest/transport';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { Master } from '../src/app.js';
import { adminHeaders, buildTestMaster } from './test-master.js';
import { createTestDatabase, silent, type TestDatabase } from './support.js';

const ELSEWHERE = 'http://elsewhere.example';
const CONFIGURED = 'http://ops.example:3000';
const NO_RUN = '00000000-0000-4000-8000-000000000000';

/** CORS does not cover WebSockets: the live streams check the handshake's Origin themselves. */
describe('WebSocket handshakes and their Origin (real PostgreSQL, a listening master)', () => {
  let db: TestDatabase;
  let master: Master;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    master = await buildTestMaster({
      prisma: db.prisma,
      transport: new InProcessHub(silent),
      logger: silent,
      dashboardDir: null,
      security: { corsOrigins: [CONFIGURED] },
    });
    await master.app.listen({ host: '127.0.0.1', port: 0 });
    const address = master.app.server.address();
    base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 60_000);

  afterAll(async () => {
    await master?.app.close();
    await db?.drop();
  }, 60_000);

  /** The raw stream's handshake: 'open' (then closed 4404: no such run), or the HTTP status it was refused with. */
  const rawStream = (origin: string | undefined, credentials: Record<string, string> = adminHeaders) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://${base}/api/v1/runs/${NO_RUN}/stream`, { headers: credentials, ...(origin === undefined ? {} : { origin }) });
      ws.on('open', () => resolve('open'));
      ws.on('unexpected-response', (request, response) => {
        // The refused handshake's connection is closed here, or the server's close would wait for it.
        request.destroy();
        resolve(`refused ${response.statusCode}`);
      });
      ws.on('error', (error) => resolve(`error ${error.message}`));
    });

  const socketIo = (origin: string | undefined, credentials: Record<string, string> = adminHeaders) =>
    new Promise<string>((resolve) => {
      const client = io(`http://${base}`, {
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { ...credentials, ...(origin === undefined ? {} : { origin }) },
      });
      client.on('connect', () => {
        client.close();
        resolve('connected');
      });
      client.on('connect_error', () => {
        client.close();
        resolve('refused');
      });
    });

  it('opens the raw stream for no Origin, the master’s own and a configured one; refuses another with a 403 before the upgrade', async () => {
    expect(await rawStream(undefined)).toBe('open');
    expect(await rawStream(`http://${base}`)).toBe('open');
    expect(await rawStream(CONFIGURED)).toBe('open');
    expect(await rawStream(ELSEWHERE)).toBe('refused 403');
  });

  it('connects Socket.IO for the same Origins, and refuses another', async () => {
    expect(await socketIo(undefined)).toBe('connected');
    expect(await socketIo(`http://${base}`)).toBe('connected');
    expect(await socketIo(CONFIGURED)).toBe('connected');
    expect(await socketIo(ELSEWHERE)).toBe('refused');
  });

  it('refuses both live streams without valid credentials, and opens them with a dashboard session', async () => {
    expect(await rawStream(undefined, {})).toBe('refused 401');
    expect(await rawStream(undefined, { authorization: `Bearer lt_${'z'.repeat(43)}` })).toBe('refused 401');
    expect(await socketIo(undefined, {})).toBe('refused');
    expect(await socketIo(undefined, { authorization: `Bearer lt_${'z'.repeat(43)}` })).toBe('refused');
    expect(await socketIo(undefined, { cookie: `lt_session=lts_${'z'.repeat(43)}` })).toBe('refused');
    const viewer = await master.auth.createUser({ username: 'live-viewer', role: 'viewer', password: 'a long enough password' }, null);
    const session = await master.auth.createSession(viewer!.id, { action: 'login', actorId: viewer!.id, actor: 'live-viewer', via: 'password', ip: null });
    const cookie = { cookie: `lt_session=${session.secret}` };
    expect(await rawStream(`http://${base}`, cookie)).toBe('open');
    expect(await socketIo(`http://${base}`, cookie)).toBe('connected');
  });

  it('closes a live connection when its credential ends: a revoked token, a disabled user', async () => {
    const system = { actorId: null, actor: 'test', via: null, ip: null } as const;
    const user = await master.auth.createUser({ username: 'live-ending', role: 'viewer', password: 'a long enough password' }, null);
    const token = await master.auth.createToken(
      { userId: user!.id, name: 'live', expiresAt: new Date(Date.now() + 3600_000) },
      { ...system, action: 'token.created' },
    );
    const session = await master.auth.createSession(user!.id, { ...system, action: 'login', actorId: user!.id, actor: 'live-ending', via: 'password' });
    /** A connected client, and a promise of its disconnection's reason. */
    const connect = (headers: Record<string, string>) =>
      new Promise<{ disconnected: Promise<string>; close(): void }>((resolve, reject) => {
        const client = io(`http://${base}`, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
        const disconnected = new Promise<string>((done) => client.on('disconnect', (reason) => done(reason)));
        client.on('connect', () => resolve({ disconnected, close: () => client.close() }));
        client.on('connect_error', reject);
      });
    const byToken = await connect({ authorization: `Bearer ${token.token}` });
    const bySession = await connect({ cookie: `lt_session=${session.secret}` });
    const other = await connect(adminHeaders);
    expect((await master.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).statusCode).toBe(204);
    expect(await byToken.disconnected).toBe('io server disconnect');
    expect((await master.app.inject({ method: 'PATCH', url: `/api/v1/users/${user!.id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect(await bySession.disconnected).toBe('io server disconnect');
    // Someone else's connection stays open.
    const stillOpen = await Promise.race([other.disconnected, new Promise<string>((done) => setTimeout(() => done('open'), 300))]);
    expect(stillOpen).toBe('open');
    other.close();
  });
});
