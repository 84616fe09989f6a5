import { writeFileSync } from 'node:fs';
import { brokerCommands, brokerDefinitions, passwordVariable } from '@loadtest/transport';
import { parseBrokerToolArgs } from './args.js';
import { writeK8sBrokerSecrets } from './k8s-secrets.js';

/** A user's password from its environment variable: no password is ever written into the repository. */
function passwordFromEnvironment(user: string): string {
  const variable = passwordVariable(user);
  const password = process.env[variable];
  if (!password) throw new Error(`${variable} is not set: the password of broker user ${user}`);
  return password;
}

function main(): void {
  const args = parseBrokerToolArgs(process.argv.slice(2));
  if (args.command === 'k8s-secrets') {
    const written = writeK8sBrokerSecrets(args);
    process.stdout.write(`new passwords for ${written.users.join(', ')}; wrote (mode 600):\n${written.files.map((f) => `  ${f}`).join('\n')}\n`);
    return;
  }
  if (args.command === 'commands') {
    process.stdout.write(`${brokerCommands(args).join('\n')}\n`);
    return;
  }
  const text = `${JSON.stringify(brokerDefinitions(args, passwordFromEnvironment), null, 2)}\n`;
  if (args.out) writeFileSync(args.out, text, { mode: 0o600 });
  else process.stdout.write(text);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
