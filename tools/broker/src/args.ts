import { parseArgs } from 'node:util';
import { DEFAULT_BROKER_NAMESPACE, type BrokerSetupInput } from '@loadtest/transport';

export interface BrokerToolArgs extends BrokerSetupInput {
  command: 'definitions' | 'commands';
  /** Where the definitions go; stdout without it. */
  out: string | undefined;
}

export const USAGE = `usage: broker-setup definitions|commands --worker <id> [--worker <id> ...] [--namespace loadtest] [--vhost loadtest] [--master-user master] [--out file]
  definitions  a RabbitMQ definitions file (load_definitions); passwords are read from BROKER_PASSWORD_<USER> variables
  commands     rabbitmqctl lines for a machine's broker; the passwords stay as "$BROKER_PASSWORD_<USER>" for the shell`;

export function parseBrokerToolArgs(argv: string[]): BrokerToolArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      worker: { type: 'string', multiple: true },
      namespace: { type: 'string' },
      vhost: { type: 'string' },
      out: { type: 'string' },
      'master-user': { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command !== 'definitions' && command !== 'commands') throw new Error(`unknown command "${command ?? ''}"\n${USAGE}`);
  const workerIds = values.worker ?? [];
  if (workerIds.length === 0) throw new Error(`no --worker given: each worker needs its own user\n${USAGE}`);
  const namespace = values.namespace ?? DEFAULT_BROKER_NAMESPACE;
  return { command, workerIds, namespace, vhost: values.vhost ?? namespace, masterUser: values['master-user'], out: values.out };
}
