import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';

/** A TCP listener that only counts the connections it gets (and closes them): it stands for a forbidden address. */
export interface CountingListener {
  readonly port: number;
  connections(): number;
  close(): Promise<void>;
}

export function listenCounting(host: string, port = 0): Promise<CountingListener> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: false }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      resolve({ port: address.port, connections: () => count, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** An HTTP target that answers every request and closes the connection after it (each request then needs a reconnect). */
export interface ClosingTarget {
  readonly port: number;
  connections(): number;
  hosts(): string[];
  close(): Promise<void>;
}

export function listenClosingTarget(
  host: string,
  port: number,
  answer?: (request: IncomingMessage) => { status: number; headers?: Record<string, string> },
): Promise<ClosingTarget> {
  let count = 0;
  const hosts: string[] = [];
  const server: HttpServer = createHttpServer((request, response) => {
    hosts.push(request.headers.host ?? '');
    const { status, headers } = answer?.(request) ?? { status: 200 };
    response.writeHead(status, { connection: 'close', 'content-length': '2', ...headers });
    response.end('ok');
  });
  server.on('connection', () => count++);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      resolve({
        port: address.port,
        connections: () => count,
        hosts: () => [...hosts],
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
