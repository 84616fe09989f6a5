/** Who is told when the API answers 401 (the session ended or never was): the auth provider, which shows the login page. */
type Listener = () => void;

let listener: Listener | null = null;

/** Sets the one listener; returns what removes it. */
export function onUnauthorized(next: Listener): () => void {
  listener = next;
  return () => {
    if (listener === next) listener = null;
  };
}

export function notifyUnauthorized(): void {
  listener?.();
}
