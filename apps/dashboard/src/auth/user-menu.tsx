import { useState } from 'react';
import { useAuth } from './auth-context.js';

/** The header's corner: who is logged in, with which role, and the way out. */
export function UserMenu() {
  const { state, logOut } = useAuth();
  const [leaving, setLeaving] = useState(false);
  if (state.status !== 'signed-in') return null;
  const { username, role } = state.principal.user;
  return (
    <span className="flex items-center gap-2 text-sm">
      <span data-testid="current-user">{username}</span>
      <span data-testid="current-role" className="rounded bg-gray-100 px-1.5 py-0.5 text-xs dark:bg-gray-800">
        {role}
      </span>
      <button
        type="button"
        className="rounded border border-gray-300 px-2 py-1 disabled:opacity-50 dark:border-gray-700"
        disabled={leaving}
        onClick={() => {
          setLeaving(true);
          // Logged out, the page behind the login sends the user to /login (auth/require-auth.tsx).
          void logOut().finally(() => setLeaving(false));
        }}
      >
        Log out
      </button>
    </span>
  );
}
