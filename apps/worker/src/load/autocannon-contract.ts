/**
 * The private parts of an autocannon 9 client that the generator (`gate`, `watch`, `opening`) and the flow gate rely on.
 * autocannon ships no types and no promise for them, so its version is pinned exactly and this list is checked
 * against a real client by a contract test: an upgrade that moves one of them fails there, naming it.
 */
export const AUTOCANNON_CLIENT_INTERNALS = [
  '_doRequest (on the prototype: sends the next request; called through `this`, so an own property replaces it)',
  'requestIterator.setRequests(requests)',
  'requestIterator.currentRequestIndex (a number)',
  'requestIterator.currentRequest.requestBuffer (the bytes of the request in flight)',
  'pipelinedRequests.addBody(chunk)',
  'parser.constructor.kOnHeadersComplete (the numeric slot of the parser handler)',
  'parser[kOnHeadersComplete] (a function)',
  'timeout (the request timeout in ms)',
  'destroyed (a boolean)',
  'conn (the socket, set by _connect before it calls _doRequest; emits connect once connected)',
] as const;

type Internal = (typeof AUTOCANNON_CLIENT_INTERNALS)[number];

function at(value: unknown, key: string): unknown {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? (value as Record<string, unknown>)[key] : undefined;
}

/** Which of the internals a live client (as handed to `setupClient`) lacks; empty when it has them all. */
export function autocannonClientProblems(client: unknown): Internal[] {
  const [doRequest, setRequests, index, buffer, addBody, slot, handler, timeout, destroyed, conn] = AUTOCANNON_CLIENT_INTERNALS;
  const problems: Internal[] = [];
  const prototype: unknown = typeof client === 'object' && client !== null ? Object.getPrototypeOf(client) : undefined;
  const iterator = at(client, 'requestIterator');
  const parser = at(client, 'parser');
  const slotKey = at(typeof parser === 'object' && parser !== null ? parser.constructor : undefined, 'kOnHeadersComplete');
  if (typeof at(prototype, '_doRequest') !== 'function') problems.push(doRequest);
  if (typeof at(iterator, 'setRequests') !== 'function') problems.push(setRequests);
  if (typeof at(iterator, 'currentRequestIndex') !== 'number') problems.push(index);
  if (!(at(at(iterator, 'currentRequest'), 'requestBuffer') instanceof Uint8Array)) problems.push(buffer);
  if (typeof at(at(client, 'pipelinedRequests'), 'addBody') !== 'function') problems.push(addBody);
  if (typeof slotKey !== 'number') problems.push(slot);
  else if (typeof at(parser, String(slotKey)) !== 'function') problems.push(handler);
  if (typeof at(client, 'timeout') !== 'number') problems.push(timeout);
  if (typeof at(client, 'destroyed') !== 'boolean') problems.push(destroyed);
  if (typeof at(at(client, 'conn'), 'once') !== 'function') problems.push(conn);
  return problems;
}
