import type { Principal } from '@loadtest/protocol';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { logIn, logInWithLink } from '../api/auth.js';
import { ApiError } from '../api/client.js';
import { useAuth } from './auth-context.js';
import { loginLinkSecret, takeLoginLinkSecret } from './login-link.js';
import { LoginView } from './login-view.js';
import { safeNextPath } from './next-path.js';

/** The API's own message for a refused login; for a network failure, what went wrong. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return `Could not reach the master: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * `/login`: the password form, and the one-time link (`/login#once=<secret>`), exchanged as soon as the page
 * opens. A password login returns to `?next=`; the link goes to `/`.
 */
export function LoginPage() {
  const { state, signedIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const [linkPending, setLinkPending] = useState(() => loginLinkSecret(location.hash) !== null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Read from the real address bar and taken out of it at once; a second run (StrictMode) finds nothing left.
    const exchange = () => {
      const secret = takeLoginLinkSecret(window.location, window.history);
      if (secret === null) return;
      setError(null);
      setLinkPending(true);
      logInWithLink(secret).then(
        (principal) => {
          signedIn(principal);
          void navigate('/', { replace: true });
        },
        (failure: unknown) => {
          setError(loginErrorMessage(failure));
          setLinkPending(false);
        },
      );
    };
    exchange();
    // The link pasted into a tab already on /login changes only the hash: no page load, so listen for it.
    window.addEventListener('hashchange', exchange);
    return () => window.removeEventListener('hashchange', exchange);
  }, [signedIn, navigate]);

  if (state.status === 'signed-in' && !linkPending && !submitting) return <Navigate to={next} replace />;

  const submit = (credentials: { username: string; password: string }) => {
    setSubmitting(true);
    setError(null);
    logIn(credentials).then(
      // Logged in: the page renders again and sends the user on to `next`.
      (principal: Principal) => {
        signedIn(principal);
        setSubmitting(false);
      },
      (failure: unknown) => {
        setError(loginErrorMessage(failure));
        setSubmitting(false);
      },
    );
  };
  return <LoginView submitting={submitting} linkPending={linkPending} error={error} onSubmit={submit} />;
}
