/**
 * Flow execution: plans with templates, extractions, checks, think times, `if`,
 * groups or feeders. What a virtual user does is here, with no network: the
 * worker drives it on autocannon (apps/worker: load/, flow/flow-walk.ts), and
 * the same code can run an iteration anywhere else (the CLI, a trial).
 *
 * Which path. A plan that is a plain sequence of HTTP steps with no template
 * (nor `$${`), no extraction, no check, no step timeout and no feeder
 * (isPlainSequence) keeps running on autocannon's static `requests`, built once
 * (plan-requests.ts): the generator's fast path, unchanged. Any other plan
 * runs as a flow, decided once per share (ShareRun).
 *
 * Once per share (FlowProgram): the flow is compiled (compileFlow: templates
 * parsed, regexes and JSONPaths checked, bodies prepared; an error fails the
 * share naming the step), and each feeder's attachment is parsed with the plan
 * format's reader (readFeederData, feeders/feeder-data.ts in this lib: CSV through csv-parse,
 * first line the column names; or a JSON array of objects).
 *
 * One virtual user per connection (VirtualUser): each of the share's
 * connections, numbered over all its scenarios, is a VU with its own variables.
 * Each iteration starts from the plan's variables, takes each feeder's next row
 * (`${feeder.column}`), and adds what its steps extract; so an extracted value
 * lasts until the iteration's end. `next()` walks the flow depth first — think
 * steps give a pause, `if` picks a branch on the iteration's last response or a
 * variable, a group runs its steps `repeat` times — up to the next HTTP step;
 * the end of the flow is the end of the iteration. `complete(response)` runs the
 * step's extractions then its checks, counting each check passed or failed under
 * the step's name (recordCheck); an extraction without `default` counts as a
 * check too (a miss fails it and leaves the variable unset). A failed check
 * never stops the flow, unless it has `stopOnFail`: that ends the iteration.
 *
 * In the worker: driven by the generator's gated connection (load/gated-connection.ts), the
 * one state machine of paced and flow connections, through the autocannon
 * adapter (load/autocannon/adapter.ts), the only module that touches
 * autocannon's internals. autocannon calls for a send on connect, after every
 * response, and on reconnecting after an error or a timeout; the connection
 * then asks its walk (FlowWalk) to go on: the VU advances to its next HTTP step,
 * the request is rendered (url, query, headers and body templated; HTTP/1.1
 * bytes as autocannon builds them, renderRequest; a step with no template at
 * all is rendered once) and sent with the step's `timeoutSeconds` or the run's
 * (the adapter's `send`: the bytes become the client's only request, set with
 * autocannon's public `setRequests`, and autocannon's own send writes them,
 * with the same latency clock and its timer re-armed with that timeout). The
 * response comes back by the client's `response` event (status, bytes,
 * duration), the headers by its public `headers` event, and the body as chunks
 * that are only counted (for `size`) unless the step has an extraction or check
 * that reads the body: bodies are kept only then. No body is waited for after a
 * HEAD, a 204 or a 304. A think time parks the connection — idle and
 * connected, as a pacer's wait — and a timer resumes the walk; a reconnect
 * while parked sends nothing. At the end of the flow the iteration ends and the
 * scenario's pacer decides, as for the fast path: a closed model's VU goes on
 * at once, an open model's waits for its next arrival (so an arrival is a whole
 * flow, thinks included). The lateness of a paced start is added to the
 * iteration's first request.
 *
 * Failures. A request that gets no answer (connection error, timeout, server
 * closing) is counted as an error of its step as before, and to the flow it is
 * a failed response (status 0, no body, latency NaN): its checks fail, its
 * extractions miss, and the flow goes on with the next step (as k6 does). A step
 * whose URL is absolute and on another server than the plan's base URL cannot
 * be sent on the share's connections: it counts as an error (`other`) and a
 * failed response. An iteration that sent nothing and did not pause (an `if`
 * with nothing to do) waits 1 ms before the next, so a closed model never spins.
 *
 * Feeders. `unique`: the rows are split exactly over the run's workers and
 * engine threads by execution segment (rows [ceil(from·N), ceil(to·N))), then
 * over the share's connections (contiguous, sizes within one), so that no row
 * is used twice in the run; a VU without rows left stops (`stop`, the default:
 * it starts no more iterations, and idles under a closed model; under an open
 * model its arrivals go to the other VUs) or starts its rows again (`recycle`).
 * `sequential`: each VU walks all the rows in order from the first of its
 * unique share (so that the run's VUs start spread over the data), one pass
 * with `stop`. `random`: any row each time. As the split is static, rows of a
 * connection that never becomes an active VU (a ramp below its peak) are not
 * used.
 *
 * Templates (the plan format's syntax, scanTemplate, template/template.ts in this lib):
 * `${name}` (an unset variable is ''), `${feeder.column}`, `$${` for a literal
 * `${`; in url, query values, header values (the plan's defaults and the
 * step's) and bodies. In a JSON body they are resolved inside string values,
 * which stay strings. URL paths keep what they render, except characters that
 * may not stand in a request line (spaces, controls, non-ASCII),
 * percent-encoded; query values are form-encoded; CR/LF in a header value
 * become a space. Checks' expected values and conditions' values are not
 * templated. An extracted JSON value other than a string becomes text as a
 * feeder's does: null is '', objects and arrays their JSON.
 *
 * Trials ("try one iteration"). A FlowTracer (trace.ts) given to FlowProgram
 * sees each virtual user's steps as they are done: the request bytes about to
 * be written, the response (its body kept whatever the step reads), what each
 * extraction took, each check's outcome, the thinks and the `if` branches. The
 * worker runs a trial on the generator a run uses, with the tracer set.
 */
export { compileFlow, type CompiledFlow, type CompiledHttp, type CompiledStep } from './compile.js';
export { isPlainSequence } from './fast-path.js';
export { FlowProgram } from './flow-program.js';
export { VirtualUser, type FlowAction } from './virtual-user.js';
export { FlowResponse } from './response.js';
export type { FlowTracer, TracedCheck, TracedExtraction } from './trace.js';
export { requestTarget, renderRequest, requestBytes, UnsendableRequest, type RequestTarget } from './http-request.js';
export { planRequests, joinPath, type GeneratorRequest } from './plan-requests.js';
export { compileTemplate, renderTemplate, type Template } from './template.js';
