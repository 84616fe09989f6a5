/**
 * The SSRF cases of issue 14 (point 4), shared by the master's suite (its API refuses each) and the worker's (its
 * share run refuses each, the master's check bypassed), so that both run the same list. `port` is the port of the
 * test's listeners: loopback stands for every forbidden address a test can bind (127.0.0.1 and ::1 on `port`).
 */
export interface SsrfCase {
  readonly name: string;
  /** The plan's base URL. */
  readonly baseUrl: string;
  /**
   * Where a connection would land if the check let it through: the loopback listeners, a listener of its own, or
   * nowhere a test can bind (169.254.169.254, a metadata name, a file): refusal is then asserted without a count.
   */
  readonly lands: 'loopback' | 'unbindable' | { readonly host: string; readonly port: number };
  /** The rule the refusal names (the worker's message; the master's 400 carries the same, or the plan schema's for file:). */
  readonly rule: RegExp;
}

/** The allowlist of the suites: 127.0.0.2 (the allowed test target) and three names, each on `port` only. */
export const ssrfAllowlist = (port: number): string => `127.0.0.2:${port}, allowed.example:${port}, private.example:${port}, rebind.example:${port}`;

/** The platform's own endpoints, denied as the master denies them (from AMQP_URL and DATABASE_URL). */
export const SSRF_DENIED = [
  { host: '127.0.0.1', port: 5432, what: 'database' },
  { host: '127.0.0.1', port: 5672, what: 'broker' },
] as const;

/** The test resolver's answers: private.example is answered with loopback. */
export const SSRF_DNS: Readonly<Record<string, readonly string[]>> = { 'allowed.example': ['127.0.0.2'], 'private.example': ['127.0.0.1'] };

const loopbackNotAllowed = /127\.0\.0\.1 port \d+ is not in the allowlist/;

export function ssrfCases(port: number): SsrfCase[] {
  const p = port;
  return [
    { name: 'hex dword', baseUrl: `http://0x7f000001:${p}/`, lands: 'loopback', rule: loopbackNotAllowed },
    { name: 'decimal dword', baseUrl: `http://2130706433:${p}/`, lands: 'loopback', rule: loopbackNotAllowed },
    { name: 'octal', baseUrl: `http://0177.0.0.1:${p}/`, lands: 'loopback', rule: loopbackNotAllowed },
    { name: 'short form', baseUrl: `http://127.1:${p}/`, lands: 'loopback', rule: loopbackNotAllowed },
    { name: 'percent-encoded', baseUrl: `http://%31%32%37.0.0.1:${p}/`, lands: 'loopback', rule: loopbackNotAllowed },
    { name: 'unspecified IPv4', baseUrl: `http://0.0.0.0:${p}/`, lands: 'loopback', rule: /always denied: 0\.0\.0\.0\/8 is unspecified/ },
    { name: 'unspecified IPv6', baseUrl: `http://[::]:${p}/`, lands: 'loopback', rule: /always denied: ::\/128 is IPv6 unspecified/ },
    { name: 'IPv6 loopback', baseUrl: `http://[::1]:${p}/`, lands: 'loopback', rule: /address ::1 port \d+ is not in the allowlist/ },
    { name: 'IPv4-mapped loopback', baseUrl: `http://[::ffff:127.0.0.1]:${p}/`, lands: 'loopback', rule: loopbackNotAllowed },
    { name: 'IPv4-mapped metadata', baseUrl: 'http://[::ffff:a9fe:a9fe]/', lands: 'unbindable', rule: /always denied: 169\.254\.0\.0\/16 is link-local/ },
    { name: 'metadata', baseUrl: 'http://169.254.169.254/', lands: 'unbindable', rule: /always denied: 169\.254\.0\.0\/16 is link-local/ },
    { name: 'metadata, trailing dot', baseUrl: 'http://169.254.169.254./', lands: 'unbindable', rule: /always denied: 169\.254\.0\.0\/16 is link-local/ },
    { name: 'metadata name', baseUrl: 'http://metadata.google.internal/', lands: 'unbindable', rule: /always denied: metadata\.google\.internal/ },
    { name: 'userinfo with an @', baseUrl: `http://user@127.0.0.1:${p}@evil.example/`, lands: 'loopback', rule: /userinfo/ },
    {
      name: 'fragment with an @',
      baseUrl: `http://evil.example:${p}#@127.0.0.1:${p}/`,
      lands: 'loopback',
      rule: /host evil\.example port \d+ is not in the allowlist/,
    },
    { name: 'a name answered with loopback', baseUrl: `http://private.example:${p}/`, lands: 'loopback', rule: /resolves to 127\.0\.0\.1, a loopback address/ },
    { name: 'file scheme', baseUrl: 'file:///etc/passwd', lands: 'unbindable', rule: /scheme file: is not allowed|must be an http:\/\/ or https:\/\/ URL/ },
    {
      name: 'gopher scheme',
      baseUrl: `gopher://127.0.0.1:${p}/_GET`,
      lands: 'loopback',
      rule: /scheme gopher: is not allowed|must be an http:\/\/ or https:\/\/ URL/,
    },
    {
      name: 'allowed host, database port',
      baseUrl: 'http://127.0.0.2:5432/',
      lands: { host: '127.0.0.2', port: 5432 },
      rule: /127\.0\.0\.2 port 5432 is not in the allowlist/,
    },
    {
      name: 'allowed host, broker port',
      baseUrl: 'http://127.0.0.2:5672/',
      lands: { host: '127.0.0.2', port: 5672 },
      rule: /127\.0\.0\.2 port 5672 is not in the allowlist/,
    },
    { name: 'the database itself', baseUrl: 'http://127.0.0.1:5432/', lands: 'unbindable', rule: /127\.0\.0\.1:5432 is the database's own endpoint/ },
  ];
}
