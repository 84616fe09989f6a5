/** Set as a parsed body when it is not JSON. */
const NOT_JSON = Symbol('not JSON');

/**
 * What a step's extractions, checks and the next `if` see of its response.
 * The body is kept only for steps that read it (see CompiledHttp.needsBody);
 * `size` is counted either way. A request that got no answer (an error or a
 * timeout) is a failed response: status 0, no body, no headers, latency NaN.
 */
export class FlowResponse {
  private bodyBuffer: Buffer | undefined;
  private bodyText: string | undefined;
  private parsed: unknown = undefined;
  private headerMap: Map<string, string[]> | undefined;

  constructor(
    readonly status: number,
    /** From the write to the parsed answer, plus the lateness of a paced first request. */
    readonly latencyMs: number,
    /** Body bytes. */
    readonly size: number,
    private readonly chunks: readonly Buffer[] | undefined,
    /** As parsed: name, value, name, value… */
    readonly rawHeaders: readonly string[],
  ) {}

  static failed(): FlowResponse {
    return new FlowResponse(0, Number.NaN, 0, undefined, []);
  }

  get failed(): boolean {
    return this.status === 0;
  }

  body(): Buffer {
    this.bodyBuffer ??= this.chunks === undefined ? Buffer.alloc(0) : this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return this.bodyBuffer;
  }

  text(): string {
    this.bodyText ??= this.body().toString('utf8');
    return this.bodyText;
  }

  /** The body as JSON; undefined when it is not JSON. */
  json(): unknown {
    if (this.parsed === undefined) {
      try {
        this.parsed = JSON.parse(this.text());
      } catch {
        this.parsed = NOT_JSON;
      }
    }
    return this.parsed === NOT_JSON ? undefined : this.parsed;
  }

  /** Every value of a header, by name in any case, in the order received. */
  header(name: string): readonly string[] {
    if (!this.headerMap) {
      this.headerMap = new Map();
      for (let i = 0; i + 1 < this.rawHeaders.length; i += 2) {
        const key = this.rawHeaders[i]!.toLowerCase();
        const values = this.headerMap.get(key);
        if (values) values.push(this.rawHeaders[i + 1]!);
        else this.headerMap.set(key, [this.rawHeaders[i + 1]!]);
      }
    }
    return this.headerMap.get(name.toLowerCase()) ?? [];
  }
}
