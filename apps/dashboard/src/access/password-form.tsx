import type { User } from '@loadtest/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { updateUser } from '../api/access.js';
import { keys } from '../api/queries.js';
import { ApiErrorNote } from '../components/api-error-note.js';
import { buttonClass, fieldClass, formClass } from '../components/form-classes.js';

/**
 * Sets a user's password, yours included: the admin who came in through the first start's one-time link gives
 * themselves one here. The user's other sessions end (the master keeps the one making the change).
 */
export function PasswordForm({ users, ownId }: { users: readonly User[]; ownId: string }) {
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState(ownId);
  const [password, setPassword] = useState('');
  const change = useMutation({
    mutationFn: () => updateUser(userId, { password }),
    onSuccess: () => {
      setPassword('');
      void queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <form className={formClass} aria-labelledby="password-title" onSubmit={submit}>
      <h3 id="password-title" className="font-semibold">
        Set a password
      </h3>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col">
          User
          <select className={fieldClass} value={userId} onChange={(e) => setUserId(e.target.value)}>
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.id === ownId ? `${user.username} (you)` : user.username}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          New password
          <input
            className={fieldClass}
            type="password"
            value={password}
            required
            minLength={12}
            autoComplete="new-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className={buttonClass} disabled={change.isPending}>
          {change.isPending ? 'Saving…' : 'Set password'}
        </button>
      </div>
      {change.isSuccess && <p role="status">Password set for {change.data.username}.</p>}
      <ApiErrorNote error={change.error} />
    </form>
  );
}
