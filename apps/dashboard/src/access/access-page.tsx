import { useAuth } from '../auth/auth-context.js';
import { TokensSection } from './tokens-section.js';
import { UsersSection } from './users-section.js';

/** `/access` (admin): who can use the master, and the API tokens that act for them. */
export function AccessPage() {
  const { state } = useAuth();
  // Behind RequireAuth and RequireRole: someone is logged in here.
  const ownId = state.status === 'signed-in' ? state.principal.user.id : '';
  return (
    <section aria-labelledby="access-title" className="space-y-8">
      <h1 id="access-title" className="text-xl font-semibold">
        Access
      </h1>
      <UsersSection ownId={ownId} />
      <TokensSection ownId={ownId} />
    </section>
  );
}
