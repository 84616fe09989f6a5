export type { MasterTransport, WorkerTransport, MessageHandler, TransportEvents } from './transport.js';
export { AmqpMasterTransport } from './amqp/master-transport.js';
export { AmqpWorkerTransport } from './amqp/worker-transport.js';
export { redactUrl } from './amqp/connection.js';
export { InProcessHub } from './in-process/hub.js';
export { PortWorkerTransport } from './in-process/port-worker-transport.js';
export { brokerNames, DEFAULT_BROKER_NAMESPACE, type BrokerNames } from './amqp/broker-names.js';
export { createMasterTransport, createWorkerTransport, type MasterTransportSetup, type TransportConfig } from './create-transport.js';
