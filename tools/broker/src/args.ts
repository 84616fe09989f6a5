import { parseArgs } from 'node:util';
import { DEFAULT_BROKER_NAMESPACE, type BrokerSetupInput } from '@loadtest/transport';
import type { K8sSecretsInput } from './k8s-secrets.js';

export interface BrokerToolArgs extends BrokerSetupInput {
  command: 'definitions' | 'commands';
  /** Where the definitions go; stdout without it. */
  out: string | undefined;
}

export interface K8sSecretsArgs extends K8sSecretsInput {
  command: 'k8s-secrets';
}

export const USAGE = `usage: broker-setup definitions|commands --worker <id> [--worker <id> ...] [--namespace loadtest] [--vhost loadtest] [--master-user master] [--out file]
       broker-setup k8s-secrets --workers N --overlay <dir> [--base deployments/k8s/base/secrets] [--host rabbitmq:5672] [--namespace loadtest] [--vhost loadtest]
  definitions  a RabbitMQ definitions file (load_definitions); passwords are read from BROKER_PASSWORD_<USER> variables
  commands     rabbitmqctl lines for a machine's broker; the passwords stay as "$BROKER_PASSWORD_<USER>" for the shell
  k8s-secrets  new passwords, and the files deployments/k8s reads: the definitions and the master's URL (--base), one URL per worker pod (--overlay)`;

export function parseBrokerToolArgs(argv: string[]): BrokerToolArgs | K8sSecretsArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      worker: { type: 'string', multiple: true },
      namespace: { type: 'string' },
      vhost: { type: 'string' },
      out: { type: 'string' },
      'master-user': { type: 'string' },
      workers: { type: 'string' },
      base: { type: 'string' },
      overlay: { type: 'string' },
      host: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command === 'k8s-secrets') {
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 1000) throw new Error(`--workers must be a whole number from 1 to 1000\n${USAGE}`);
    if (!values.overlay) throw new Error(`--overlay is needed: the overlay's secrets folder (deployments/k8s/overlays/<name>/secrets)\n${USAGE}`);
    const namespace = values.namespace ?? DEFAULT_BROKER_NAMESPACE;
    return {
      command,
      workers,
      namespace,
      vhost: values.vhost ?? namespace,
      masterUser: values['master-user'],
      baseDir: values.base ?? 'deployments/k8s/base/secrets',
      overlayDir: values.overlay,
      host: values.host ?? 'rabbitmq:5672',
    };
  }
  if (command !== 'definitions' && command !== 'commands') throw new Error(`unknown command "${command ?? ''}"\n${USAGE}`);
  const workerIds = values.worker ?? [];
  if (workerIds.length === 0) throw new Error(`no --worker given: each worker needs its own user\n${USAGE}`);
  const namespace = values.namespace ?? DEFAULT_BROKER_NAMESPACE;
  return { command, workerIds, namespace, vhost: values.vhost ?? namespace, masterUser: values['master-user'], out: values.out };
}
