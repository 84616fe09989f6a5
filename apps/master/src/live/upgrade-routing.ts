import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Socket.IO (engine.io) and @fastify/websocket both listen for every HTTP
 * upgrade on the one server; engine.io would also answer, and then drop,
 * upgrades meant for our raw WebSocket routes, and @fastify/websocket would
 * answer /socket.io/ with a 404. Replace their listeners with one that hands
 * each upgrade to its owner: /socket.io/ to Socket.IO, the rest to Fastify.
 *
 * `socketIoListeners` are the listeners Socket.IO added; call this once every
 * plugin is loaded (Fastify's onReady).
 */
export function routeUpgrades(server: Server, socketIoListeners: readonly UpgradeListener[]): void {
  const all = server.listeners('upgrade') as UpgradeListener[];
  const others = all.filter((listener) => !socketIoListeners.includes(listener));
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const owners = (request.url ?? '').startsWith('/socket.io/') ? socketIoListeners : others;
    for (const listener of owners) listener.call(server, request, socket, head);
  });
}

/** The upgrade listeners that `attach` adds to the server. */
export function upgradeListenersAddedBy(server: Server, attach: () => void): UpgradeListener[] {
  const before = new Set(server.listeners('upgrade'));
  attach();
  return (server.listeners('upgrade') as UpgradeListener[]).filter((listener) => !before.has(listener));
}
