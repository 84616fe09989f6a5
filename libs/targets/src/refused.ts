/**
 * A target the allowlist refuses. `host` is the host as the plan wrote it (or the address it resolved to, in
 * `address`), `rule` the rule that refused it, in words: both are in the message, for the API's 400 and the
 * worker's failed share.
 */
export class TargetRefused extends Error {
  constructor(
    readonly host: string,
    readonly rule: string,
    readonly address?: string,
  ) {
    super(`target ${JSON.stringify(host)}${address !== undefined && address !== host ? ` (address ${address})` : ''} is refused: ${rule}`);
    this.name = 'TargetRefused';
  }
}
