import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { brokerDefinitions, MASTER_USER, workerUser } from '@loadtest/transport';

export interface K8sSecretsInput {
  namespace: string;
  vhost: string;
  masterUser: string | undefined;
  /** Worker pods: worker-0 … worker-(workers - 1), the StatefulSet's names. */
  workers: number;
  /** deployments/k8s/base/secrets: the definitions and the master's broker URL. */
  baseDir: string;
  /** deployments/k8s/overlays/<name>/secrets: one broker URL file per worker pod. */
  overlayDir: string;
  /** The broker as the pods reach it. */
  host: string;
}

/** What was written, for the operator to read (never the passwords). */
export interface K8sSecretsWritten {
  files: string[];
  users: string[];
}

const workerPod = (i: number) => `worker-${i}`;

/**
 * The broker's secrets of a Kubernetes installation, consistent with each other: a new random password per user,
 * the RabbitMQ definitions with their hashes, the master's URL, and one URL file per worker pod (the overlay lists
 * them in its `worker-broker` generator). Files are written readable by their owner only.
 */
export function writeK8sBrokerSecrets(input: K8sSecretsInput, newPassword: () => string = () => randomBytes(24).toString('base64url')): K8sSecretsWritten {
  const workerIds = Array.from({ length: input.workers }, (_, i) => workerPod(i));
  const masterUser = input.masterUser ?? MASTER_USER;
  const passwords = new Map<string, string>([masterUser, ...workerIds.map(workerUser)].map((user) => [user, newPassword()]));
  const url = (user: string) =>
    `amqp://${encodeURIComponent(user)}:${encodeURIComponent(passwords.get(user)!)}@${input.host}/${encodeURIComponent(input.vhost)}`;
  const definitions = brokerDefinitions({ workerIds, namespace: input.namespace, vhost: input.vhost, masterUser: input.masterUser }, (user) =>
    passwords.get(user)!,
  );
  mkdirSync(input.baseDir, { recursive: true });
  mkdirSync(input.overlayDir, { recursive: true });
  const files: string[] = [];
  const write = (path: string, text: string) => {
    writeFileSync(path, text, { mode: 0o600 });
    files.push(path);
  };
  write(join(input.baseDir, 'rabbitmq-definitions.json'), `${JSON.stringify(definitions, null, 2)}\n`);
  write(join(input.baseDir, 'master-amqp-url'), url(masterUser));
  for (const id of workerIds) write(join(input.overlayDir, id), url(workerUser(id)));
  return { files, users: [...passwords.keys()] };
}
