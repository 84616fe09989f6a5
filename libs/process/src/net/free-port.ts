import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1: bound, then released (another process may take it in between, as with any such probe). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port on 127.0.0.1: the bound server had no address'))));
    });
  });
}
