import { useState } from 'react';
import type { CreatedApiToken } from '@loadtest/protocol';

/**
 * The token just created, shown this once (the master keeps only its hash): copy it now. Closing the notice
 * forgets it in this page too.
 */
export function NewTokenNotice({ created, onDone }: { created: CreatedApiToken; onDone(): void }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copyToken = () => {
    navigator.clipboard.writeText(created.token).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };
  return (
    <div
      role="status"
      className="space-y-2 rounded border border-amber-400 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
      data-testid="new-token"
    >
      <p className="font-semibold">
        Token “{created.name}” for {created.username}, valid until {new Date(created.expiresAt).toLocaleDateString()}
      </p>
      <p className="text-amber-900 dark:text-amber-100">Copy it now: it is shown only this once and cannot be read again. Keep it as you would a password.</p>
      <div className="flex items-center gap-2">
        <label htmlFor="new-token-value" className="sr-only">
          New API token
        </label>
        <input
          id="new-token-value"
          readOnly
          className="w-full rounded border border-gray-300 bg-white px-2 py-1 font-mono dark:border-gray-600 dark:bg-gray-900"
          value={created.token}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="rounded border border-gray-300 px-3 py-1 whitespace-nowrap dark:border-gray-600" onClick={copyToken}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="rounded border border-gray-300 px-3 py-1 dark:border-gray-600" onClick={onDone}>
          Done
        </button>
      </div>
      {copy === 'failed' && <p role="alert">Could not copy (the browser refused): select the token and copy it by hand.</p>}
    </div>
  );
}
