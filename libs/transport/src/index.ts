export type { MasterTransport, WorkerTransport, MessageHandler, TransportEvents } from './transport.js';
export { AmqpMasterTransport } from './amqp/master-transport.js';
export { AmqpWorkerTransport } from './amqp/worker-transport.js';
export { redactUrl } from './amqp/connection.js';
export { InProcessHub } from './in-process/hub.js';
export { PortWorkerTransport } from './in-process/port-worker-transport.js';
