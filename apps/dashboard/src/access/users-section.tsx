import { ROLES, type CreateUserBody, type Role, type UpdateUserBody, type User } from '@loadtest/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createUser, updateUser, useUsers } from '../api/access.js';
import { keys } from '../api/queries.js';
import { ApiErrorNote } from '../components/api-error-note.js';
import { QueryState } from '../components/query-state.js';
import { formatTime } from '../format/figures.js';
import { PasswordForm } from './password-form.js';
import { buttonClass, fieldClass, formClass } from '../components/form-classes.js';

/** The users: their roles, whether they can log in; new ones. Your own row is not changed here (no locking yourself out). */
export function UsersSection({ ownId }: { ownId: string }) {
  const users = useUsers();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateUserBody }) => updateUser(id, body),
    // Tokens list their owner's name; a disabled user's tokens stop working.
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: keys.users }), queryClient.invalidateQueries({ queryKey: keys.tokens })]),
  });
  return (
    <section aria-labelledby="users-title" className="space-y-3">
      <h2 id="users-title" className="text-lg font-semibold">
        Users
      </h2>
      <QueryState isPending={users.isPending} error={users.error}>
        {() => (
          <table className="w-full text-left text-sm [&_td]:pr-3 [&_th]:pr-3" data-testid="users-table">
            <thead>
              <tr className="border-b border-gray-300 dark:border-gray-700">
                <th className="py-1">Username</th>
                <th>Role</th>
                <th>Password</th>
                <th>State</th>
                <th>Created</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data!.items.map((user) => (
                <UserRow key={user.id} user={user} own={user.id === ownId} busy={change.isPending} onChange={(body) => change.mutate({ id: user.id, body })} />
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      <ApiErrorNote error={change.error} />
      {users.data && <PasswordForm users={users.data.items} ownId={ownId} />}
      <NewUserForm />
    </section>
  );
}

function UserRow({ user, own, busy, onChange }: { user: User; own: boolean; busy: boolean; onChange(body: UpdateUserBody): void }) {
  return (
    <tr data-user={user.username} className="border-b border-gray-100 dark:border-gray-800">
      <td className="py-1">
        {user.username}
        {own && <span className="text-gray-600 dark:text-gray-400"> (you)</span>}
      </td>
      <td>
        {own ? (
          user.role
        ) : (
          <select
            aria-label={`Role of ${user.username}`}
            className={fieldClass}
            value={user.role}
            disabled={busy}
            onChange={(event) => onChange({ role: event.target.value as Role })}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>{user.hasPassword ? 'set' : 'none (tokens only)'}</td>
      <td data-field="state">{user.disabled ? 'disabled' : 'active'}</td>
      <td>{formatTime(user.createdAt)}</td>
      <td>
        {!own && (
          <button type="button" className={buttonClass} disabled={busy} onClick={() => onChange({ disabled: !user.disabled })}>
            {user.disabled ? `Enable ${user.username}` : `Disable ${user.username}`}
          </button>
        )}
      </td>
    </tr>
  );
}

function NewUserForm() {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: (body: CreateUserBody) => createUser(body),
    onSuccess: () => {
      setUsername('');
      setPassword('');
      void queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ username: username.trim(), role, ...(password ? { password } : {}) });
  };
  return (
    <form className={formClass} aria-labelledby="new-user-title" onSubmit={submit}>
      <h3 id="new-user-title" className="font-semibold">
        New user
      </h3>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col">
          Username
          <input className={fieldClass} value={username} required maxLength={64} autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="flex flex-col">
          Role
          <select className={fieldClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Password
          <input
            className={fieldClass}
            type="password"
            value={password}
            minLength={12}
            autoComplete="new-password"
            aria-describedby="new-user-password-hint"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className={buttonClass} disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
      <p id="new-user-password-hint" className="text-xs text-gray-600 dark:text-gray-400">
        At least 12 characters. Empty: the user cannot log in to the dashboard, only use API tokens.
      </p>
      {create.isSuccess && <p role="status">Created {create.data.username}.</p>}
      <ApiErrorNote error={create.error} />
    </form>
  );
}
