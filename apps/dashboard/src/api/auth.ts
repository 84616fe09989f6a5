import type { LoginBody, Principal } from '@loadtest/protocol';
import { apiRequest } from './client.js';
import { setCsrfToken } from './csrf-token.js';

/** Every answer that says who we are carries the session's CSRF token: keep it for the writes that follow. */
function remember(principal: Principal): Principal {
  setCsrfToken(principal.csrfToken);
  return principal;
}

/** `GET /auth/me`: who the session is; rejects with a 401 ApiError when there is none. */
export const fetchMe = async (): Promise<Principal> => remember(await apiRequest<Principal>('/auth/me'));

/** `POST /auth/login`: a 401 ApiError for wrong credentials, 429 when the master slows guessing down. */
export const logIn = async (body: LoginBody): Promise<Principal> =>
  remember(await apiRequest<Principal>('/auth/login', { method: 'POST', body: JSON.stringify(body) }));

/** `POST /auth/login-link`: exchanges the one-time secret of the link the master printed at its first start. */
export const logInWithLink = async (token: string): Promise<Principal> =>
  remember(await apiRequest<Principal>('/auth/login-link', { method: 'POST', body: JSON.stringify({ token }) }));

/** `POST /auth/logout`; the token is forgotten whatever the answer (the session may already have ended). */
export async function logOut(): Promise<void> {
  try {
    await apiRequest<null>('/auth/logout', { method: 'POST' });
  } finally {
    setCsrfToken(null);
  }
}
