import { readFileSync } from 'node:fs';

/** The settings that hold secrets: each may also be given as a file, `<NAME>_FILE`, as Kubernetes and Docker mount secrets. */
export const SECRET_SETTINGS = ['DATABASE_URL', 'AMQP_URL', 'LOADTEST_ADMIN_PASSWORD', 'LOADTEST_ADMIN_TOKEN'] as const;

/**
 * Sets each `NAME` whose `NAME_FILE` is set to that file's content (one trailing newline dropped, as editors and
 * `echo` add one), in `env` itself, so that threads started later inherit it. Throws naming the variable when both
 * are set (which one wins would be a guess) or the file cannot be read.
 */
export function loadSecretFiles(env: NodeJS.ProcessEnv, names: readonly string[] = SECRET_SETTINGS): void {
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    if (env[name] !== undefined && env[name] !== '') throw new Error(`${name} and ${name}_FILE are both set: set one`);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${name}_FILE: cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    env[name] = content.replace(/\r?\n$/, '');
  }
}
