// How fixbench talks HTTP to a model provider (the metering proxy and both SDK clients): `fetch`
// whose own header and body timeouts never cut before the caller's timeout, and the one rule for a
// request that failed without a reply: billed unless the failure proves nothing was sent.

/**
 * `err.code`s (on the error or its `cause` chain) meaning no connection was made, so no request
 * reached the provider: refused, name not resolved, network or host unreachable, connect timeout.
 * Anything else after the request was handed to `fetch` (reset, socket closed, headers or body
 * timeout, an abort) may come after the provider received the whole request, which it bills.
 */
const NO_CONNECTION = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Of {@link NO_CONNECTION}, the codes a socket can also report after it connected (an ICMP error on a read or write): no connection only from `connect`. */
const ON_CONNECT_ONLY = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

/**
 * Whether the failure `e` of a `fetch` (or of an SDK call wrapping one) proves the request was never
 * sent: some error on its `cause` chain (an AggregateError's `errors` too: every one of them) has a
 * code in {@link NO_CONNECTION}. False for every other failure, which the caller bills at its bound.
 */
export function neverSent(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && typeof x === 'object' && depth < 6; x = (x as { cause?: unknown }).cause, depth++) {
    const { code, syscall } = x as { code?: unknown; syscall?: unknown };
    // a network error surfacing on an established socket (read, write) may follow the request: only `connect`'s (atkD16 #2)
    if (typeof code === 'string' && NO_CONNECTION.has(code) && (!ON_CONNECT_ONLY.has(code) || syscall === 'connect')) return true;
    // fetch refuses a port of the Fetch standard's "bad port" list (e.g. 9, 6000) before connecting
    if (depth === 1 && (x as { message?: unknown }).message === 'bad port') return true;
    const errs = (x as { errors?: unknown }).errors;
    if (Array.isArray(errs) && errs.length > 0 && errs.every((s) => neverSent(s))) return true;
  }
  return false;
}

/** How much longer than the caller's timeout undici's own timeouts are, ms: the caller's fires first. */
export const UNDICI_MARGIN_MS = 60_000;

type Dispatcher = object;
let agentClass: Promise<(new (o: { headersTimeout: number; bodyTimeout: number }) => Dispatcher) | null> | null = null;
const agents = new Map<number, Promise<Dispatcher | null>>();

/**
 * Node's bundled undici `Agent` class, read from its global dispatcher (shared by every undici copy
 * under `Symbol.for('undici.globalDispatcher.1')`, set by the first `fetch`; a `data:` fetch sets it
 * without a connection). Null when this Node has none, or the global dispatcher is not a plain
 * `Agent` (one the user's code set, e.g. a proxy agent): fetch then keeps its defaults.
 */
function undiciAgent() {
  return (agentClass ??= (async () => {
    const key = Symbol.for('undici.globalDispatcher.1');
    const g = globalThis as Record<symbol, unknown>;
    if (!g[key]) await fetch('data:,').then((r) => r.arrayBuffer());
    const d = g[key] as { constructor?: { name?: unknown }; dispatch?: unknown } | undefined;
    // only undici's plain Agent: a dispatcher set by the user's own code (a proxy agent) is kept as fetch's default
    return d && typeof d.dispatch === 'function' && typeof d.constructor === 'function' && d.constructor.name === 'Agent' ? (d.constructor as unknown as new (o: { headersTimeout: number; bodyTimeout: number }) => Dispatcher) : null;
  })().catch(() => null));
}

/**
 * The undici dispatcher for requests bounded by the caller's `timeoutMs`: its `headersTimeout` and
 * `bodyTimeout` (undici's defaults: 300 s each) are `timeoutMs + UNDICI_MARGIN_MS`, so undici never
 * ends an exchange before the caller's own timer does. One per `timeoutMs`, kept for the process.
 */
export function upstreamDispatcher(timeoutMs: number): Promise<Dispatcher | null> {
  let a = agents.get(timeoutMs);
  if (!a) {
    const ms = timeoutMs + UNDICI_MARGIN_MS;
    a = undiciAgent().then((A) => (A ? new A({ headersTimeout: ms, bodyTimeout: ms }) : null)).catch(() => null);
    agents.set(timeoutMs, a);
  }
  return a;
}

/** `fetch` through {@link upstreamDispatcher}(`timeoutMs`): for the proxy, and the SDKs' `fetch` option. */
export function upstreamFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const dispatcher = await upstreamDispatcher(timeoutMs);
    return fetch(input, dispatcher ? ({ ...init, dispatcher } as RequestInit) : init);
  };
}
