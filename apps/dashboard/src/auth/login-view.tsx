import { useState, type FormEvent } from 'react';

const inputClass = 'w-full rounded border border-gray-300 bg-transparent px-2 py-1 dark:border-gray-600';

export interface LoginViewProps {
  /** A password login is on its way: the button waits. */
  submitting: boolean;
  /** The one-time link is being exchanged: the form waits too. */
  linkPending: boolean;
  /** The API's message for the last attempt (wrong credentials, too many attempts, a used link). */
  error: string | null;
  onSubmit(credentials: { username: string; password: string }): void;
}

/** The login form: what the login page shows, without the requests (rendered alone in tests). */
export function LoginView({ submitting, linkPending, error, onSubmit }: LoginViewProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ username, password });
  };
  return (
    <section aria-labelledby="login-title" className="mx-auto mt-12 max-w-sm space-y-4">
      <h1 id="login-title" className="text-xl font-semibold">
        Log in
      </h1>
      {linkPending && (
        <p role="status" aria-busy="true">
          Logging in with the one-time link…
        </p>
      )}
      <form className="space-y-3" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
        <div>
          <label htmlFor="login-username" className="block text-sm">
            Username
          </label>
          <input
            id="login-username"
            name="username"
            className={inputClass}
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="login-password" className="block text-sm">
            Password
          </label>
          <input
            id="login-password"
            name="password"
            type="password"
            className={inputClass}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        {error && (
          <p id="login-error" role="alert" className="text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="rounded bg-blue-700 px-4 py-1 font-medium text-white hover:bg-blue-800 focus:outline-2 focus:outline-offset-2 disabled:opacity-50"
          disabled={submitting || linkPending}
        >
          {submitting ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </section>
  );
}
