import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecretFiles } from '../src/index.js';

describe('secret settings from files (NAME_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-files-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('reads each NAME_FILE into NAME, dropping one trailing newline only', () => {
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL_FILE: file('db', 'postgresql://u:p@db:5432/lt\n'),
      LOADTEST_ADMIN_PASSWORD_FILE: file('pw', 'ends with a space \n\n'),
      AMQP_URL: 'amqp://kept',
    };
    loadSecretFiles(env);
    expect(env.DATABASE_URL).toBe('postgresql://u:p@db:5432/lt');
    expect(env.LOADTEST_ADMIN_PASSWORD).toBe('ends with a space \n');
    expect(env.AMQP_URL).toBe('amqp://kept');
    expect(env.LOADTEST_ADMIN_TOKEN).toBeUndefined();
  });

  it('refuses NAME and NAME_FILE together, and a file it cannot read, naming the variable', () => {
    expect(() => loadSecretFiles({ AMQP_URL: 'amqp://a', AMQP_URL_FILE: file('amqp', 'amqp://b') })).toThrow(
      'AMQP_URL and AMQP_URL_FILE are both set: set one',
    );
    expect(() => loadSecretFiles({ LOADTEST_ADMIN_TOKEN_FILE: join(dir, 'missing') })).toThrow(/^LOADTEST_ADMIN_TOKEN_FILE: cannot read .*missing/);
  });
});
