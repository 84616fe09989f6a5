import type { ApiToken, CreatedApiToken, CreateTokenBody, User } from '@loadtest/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createToken, revokeToken, useTokens, useUsers } from '../api/access.js';
import { keys } from '../api/queries.js';
import { ApiErrorNote } from '../components/api-error-note.js';
import { QueryState } from '../components/query-state.js';
import { formatTime } from '../format/figures.js';
import { NewTokenNotice } from './new-token-notice.js';
import { tokenStatus } from './token-status.js';
import { buttonClass, fieldClass, formClass } from '../components/form-classes.js';

// The badges' colours (components/state-badge.tsx's): a working token reads as fine, an ended one as ended.
const BADGE = {
  active: 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100',
  expired: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  revoked: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
} as const;

/** API tokens: which exist, for whom, until when, last used; new ones (shown once); revoking. */
export function TokensSection({ ownId }: { ownId: string }) {
  const tokens = useTokens();
  const users = useUsers();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: string) => revokeToken(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.tokens }),
  });
  return (
    <section aria-labelledby="tokens-title" className="space-y-3">
      <h2 id="tokens-title" className="text-lg font-semibold">
        API tokens
      </h2>
      <QueryState isPending={tokens.isPending} error={tokens.error}>
        {() =>
          tokens.data!.items.length === 0 ? (
            <p>No token yet.</p>
          ) : (
            <table className="w-full text-left text-sm [&_td]:pr-3 [&_th]:pr-3" data-testid="tokens-table">
              <thead>
                <tr className="border-b border-gray-300 dark:border-gray-700">
                  <th className="py-1">Name</th>
                  <th>User</th>
                  <th>Prefix</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th>Last used</th>
                  <th>State</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data!.items.map((token) => (
                  <TokenRow key={token.id} token={token} busy={revoke.isPending} onRevoke={() => revoke.mutate(token.id)} />
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
      <ApiErrorNote error={revoke.error} />
      <NewTokenForm ownId={ownId} users={users.data?.items ?? []} />
    </section>
  );
}

function TokenRow({ token, busy, onRevoke }: { token: ApiToken; busy: boolean; onRevoke(): void }) {
  const status = tokenStatus(token);
  return (
    <tr data-token={token.name} className="border-b border-gray-100 dark:border-gray-800">
      <td className="py-1">{token.name}</td>
      <td>{token.username}</td>
      <td className="font-mono">{token.prefix}…</td>
      <td>{formatTime(token.createdAt)}</td>
      <td>{formatTime(token.expiresAt)}</td>
      <td>{token.lastUsedAt ? formatTime(token.lastUsedAt) : 'never'}</td>
      <td data-field="state">
        <span className={`rounded px-2 py-0.5 text-xs font-medium ${BADGE[status]}`}>{status}</span>
      </td>
      <td>
        {token.revokedAt === null && (
          <button
            type="button"
            className={buttonClass}
            disabled={busy}
            onClick={() => {
              if (window.confirm(`Revoke the token “${token.name}” of ${token.username}? Whatever uses it stops working at once.`)) onRevoke();
            }}
          >
            Revoke {token.name}
          </button>
        )}
      </td>
    </tr>
  );
}

function NewTokenForm({ ownId, users }: { ownId: string; users: User[] }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [userId, setUserId] = useState(ownId);
  const [days, setDays] = useState('90');
  // The new token lives here only, until "Done": not in the query cache, never in storage.
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const create = useMutation({
    mutationFn: (body: CreateTokenBody) => createToken(body),
    onSuccess: (token) => {
      setCreated(token);
      setName('');
      void queryClient.invalidateQueries({ queryKey: keys.tokens });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    create.mutate({ name: name.trim(), expiresInDays: Number(days), ...(userId !== ownId ? { userId } : {}) });
  };
  return (
    <div className="space-y-3">
      {created && (
        <NewTokenNotice
          created={created}
          onDone={() => {
            setCreated(null);
            create.reset();
          }}
        />
      )}
      <form className={formClass} aria-labelledby="new-token-title" onSubmit={submit}>
        <h3 id="new-token-title" className="font-semibold">
          New token
        </h3>
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col">
            Name
            <input className={fieldClass} value={name} required maxLength={100} placeholder="ci-pipeline" onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="flex flex-col">
            For user
            <select className={fieldClass} value={userId} onChange={(e) => setUserId(e.target.value)}>
              {users.length === 0 && <option value={ownId}>me</option>}
              {users
                .filter((user) => !user.disabled)
                .map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.username} ({user.role})
                  </option>
                ))}
            </select>
          </label>
          <label className="flex flex-col">
            Expires in (days)
            <input className={`${fieldClass} w-24`} type="number" min={1} max={3650} step={1} required value={days} onChange={(e) => setDays(e.target.value)} />
          </label>
          <button type="submit" className={buttonClass} disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
        <p className="text-xs text-gray-600 dark:text-gray-400">
          The token acts with its user&apos;s role. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
        <ApiErrorNote error={create.error} />
      </form>
    </div>
  );
}
