// The metering proxy (DESIGN.md §5 `command` agent): an HTTP server on 127.0.0.1 that an external
// agent CLI uses as its provider. It checks the attempt's token, forwards each call to the real
// upstream with the real key, streams the reply back, and records every call's usage and list-price
// cost; once the attempt's USD cap is reached it refuses further calls.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyCallPricing } from './served-pricing.ts';
import { cappedUsd, unboundedCost } from '../pricing/ceiling.ts';
import { secretRedactor } from '../core/redact.ts';
import { neverSent, upstreamFetch } from '../core/upstream-fetch.ts';
import { pipeSse } from './sse-redact.ts';
import { serveOnSocket } from './socket.ts';
import { capRefusal, classifyEndpoint, serverSideFeature } from './endpoints.ts';
import { usageOfBody, type Dialect, type ExtractedUsage } from './usage.ts';
import { HttpFailure, sendError } from './errors.ts';
import { estimateTokens, isCountTokens, translationFor } from './translate.ts';
import { countingBody, HOP_BY_HOP, isAnthropicPath, readBody, readLimited, RESPONSE_DROP, upstreamUrl } from './http-io.ts';
import type { MeteringProxy, MeteringProxyOptions, ProxyCall } from './types.ts';

export type { Dialect } from './usage.ts';
export type { MeteringProxy, MeteringProxyOptions, ProxyCall, ProxyUpstream } from './types.ts';
export { upstreamUrl } from './http-io.ts';

/**
 * Starts a metering proxy on 127.0.0.1 at a random port, with a fresh random token (and on
 * `opts.socketPath` when given). `POST /v1/messages…` is the Anthropic dialect, every other path
 * OpenAI's; only model endpoints are forwarded, to `upstream` with the real key. Every billed call
 * is recorded (`calls`, `onCall`) with its usage and list-price USD (null when the reply had no
 * usage) before its reply ends; calls past `capUsd` or refused by `refuse` get HTTP 402. Errors are
 * sent in the request's dialect; the real key never reaches the client (redacted from replies,
 * streams and error texts). Behaviour in full, with status codes: docs/agents.md "The metering proxy".
 * @throws when the server cannot listen.
 */
export async function startMeteringProxy(opts: MeteringProxyOptions): Promise<MeteringProxy> {
  const token = `fxb-${randomBytes(24).toString('hex')}`;
  const tokenBytes = Buffer.from(token);
  const calls: ProxyCall[] = [];
  let closing = false; // set by close(): no request is sent upstream after it
  const refusals = { count: 0, last: null as string | null };
  const upstreamErrors = { count: 0, last: null as string | null };
  const maxRequest = opts.maxRequestBytes ?? 32 * 1024 * 1024;
  const maxResponse = opts.maxResponseBytes ?? 64 * 1024 * 1024;
  const timeoutMs = opts.upstreamTimeoutMs ?? 600_000;
  const send = upstreamFetch(timeoutMs); // undici's own timeouts never cut before `timeoutMs`
  const rewriteModel = opts.rewriteModel ?? true;
  const up = opts.upstream;
  const scrub = secretRedactor([up.apiKey]);
  const spentUsd = () => calls.reduce((s, c) => s + (cappedUsd(c) ?? 0), 0);
  const unknownCostCalls = () => calls.filter(unboundedCost).length;

  const record = (call: ProxyCall, callId: string | undefined) => {
    calls.push(call);
    opts.onCall?.(call, callId);
  };

  const authorised = (req: http.IncomingMessage): boolean => {
    const auth = req.headers.authorization;
    const given = typeof auth === 'string' && /^bearer /i.test(auth) ? auth.slice(7).trim() : typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : '';
    const b = Buffer.from(given);
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  };

  // Under a cap, billed calls go one at a time: each is checked against the spend of every call
  // before it, so parallel calls cannot overshoot the cap together.
  const serialise = opts.capUsd !== null || opts.refuse !== undefined;
  let turn: Promise<void> = Promise.resolve();
  const takeTurn = (): Promise<() => void> => {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = turn;
    turn = before.then(() => mine);
    return before.then(() => release);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const dialect: Dialect = isAnthropicPath(url.pathname) ? 'anthropic' : 'openai';
    const t0 = performance.now();
    let release: (() => void) | null = null;
    // Set once a billed request is on its way upstream, cleared when it is recorded: a call the
    // client abandons (or that breaks) after it was sent is still recorded, at an unknown cost.
    let unbilled: (() => void) | null = null;
    // The client gone (or the proxy closing) aborts the upstream exchange; before the request leaves,
    // nothing is sent: a call queued behind the cap's turn at close() never reached the provider.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client closed the connection'));
    });
    const gone = () => closing || abort.signal.aborted;
    try {
      if (!authorised(req)) throw new HttpFailure(401, 'fixbench proxy: missing or wrong token; use the per-attempt key from OPENAI_API_KEY / ANTHROPIC_API_KEY', 'auth');
      const tr = dialect === up.dialect ? null : translationFor(dialect, up.dialect, req.method ?? 'GET', url.pathname);
      if (dialect !== up.dialect && !tr) {
        if (isCountTokens(url.pathname)) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(estimateTokens((await readBody(req, maxRequest)).length)));
        throw new HttpFailure(
          400,
          `fixbench proxy: this attempt's model speaks the ${up.dialect === 'openai' ? 'OpenAI' : 'Anthropic'} API; point the agent at ${up.dialect === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL'} (got ${req.method} ${url.pathname})`,
          'bad_request',
        );
      }
      const endpoint = classifyEndpoint(dialect, req.method ?? 'GET', url.pathname);
      if ('refused' in endpoint) throw new HttpFailure(403, endpoint.refused, 'forbidden');
      const billed = endpoint.kind === 'billed';
      const bodyBytes = await readBody(req, maxRequest);
      let body: Buffer = bodyBytes;
      let requestedModel: string | null = null;
      let offeredTools = false;
      let stream = false;
      let stripUsageChunk = false;
      if (req.method === 'POST') {
        // Whatever its content-type says, a POST to a model endpoint is read as JSON: a billed call
        // is metered and capped, and its model is the attempt's.
        if (billed && serialise) release = await takeTurn();
        const reason = billed ? (capRefusal(opts.capUsd, spentUsd(), unknownCostCalls()) ?? opts.refuse?.() ?? null) : null;
        if (reason) {
          refusals.count++;
          refusals.last = reason;
          throw new HttpFailure(402, `fixbench proxy: ${reason}; no further model calls in this attempt`, 'budget');
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(bodyBytes.toString('utf8'));
        } catch {
          parsed = undefined;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new HttpFailure(400, `fixbench proxy: ${req.method} ${url.pathname} needs a JSON object body`, 'bad_request');
        }
        const asSent = parsed as Record<string, unknown>;
        const serverSide = billed ? serverSideFeature(dialect, asSent) : null;
        if (serverSide) throw new HttpFailure(400, serverSide, 'bad_request');
        requestedModel = typeof asSent.model === 'string' ? asSent.model : null;
        offeredTools = Array.isArray(asSent.tools) && asSent.tools.length > 0;
        if (rewriteModel && 'model' in asSent) asSent.model = up.model;
        const o = tr ? tr.request(asSent) : asSent;
        stream = o.stream === true;
        if (stream && up.dialect === 'openai' && (tr?.upstreamPath ?? url.pathname).endsWith('/chat/completions')) {
          const so = typeof o.stream_options === 'object' && o.stream_options !== null ? (o.stream_options as Record<string, unknown>) : {};
          stripUsageChunk = !tr && so.include_usage !== true; // a translated stream needs the usage chunk
          o.stream_options = { ...so, include_usage: true };
        }
        body = Buffer.from(JSON.stringify(o));
      }

      const target = upstreamUrl(up, tr ? new URL(tr.upstreamPath + url.search, url) : url);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined || HOP_BY_HOP.has(k.toLowerCase())) continue;
        headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      headers['accept-encoding'] = 'identity';
      if (req.method === 'POST') headers['content-type'] = 'application/json';
      Object.assign(headers, tr?.headers);
      if (up.dialect === 'anthropic') headers['x-api-key'] = up.apiKey;
      else headers.authorization = `Bearer ${up.apiKey}`;

      if (gone()) return void res.destroy(); // never sent: not billed, no ledger line
      const callId = billed && opts.pending ? await opts.pending(body) : undefined; // on disk before the request leaves
      if (gone()) return void (callId && opts.unbilled?.(callId), res.destroy()); // never sent: settled as unbilled
      const timer = setTimeout(() => abort.abort(new Error(`upstream timeout after ${timeoutMs} ms`)), timeoutMs);
      let upstream: Response;
      const got = { bytes: 0 }; // reply bytes read: the bound of a call whose reply has no usage
      if (billed) {
        unbilled = () => record({
          usage: { input_uncached: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, reasoning: 0 },
          raw_usage: null,
          ...proxyCallPricing(opts, null, { request: body, received: got.bytes }),
          billed_usd: null,
          ms: Math.round(performance.now() - t0),
          path: url.pathname,
          status: 0,
          stream,
          requested_model: requestedModel,
          offered_tools: offeredTools,
        }, callId);
      }
      try {
        upstream = await send(target, {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
          signal: abort.signal,
          redirect: 'manual',
        });
      } catch (e) {
        clearTimeout(timer);
        // Only a failure proving no connection was made settles the call unbilled; any other (a reset
        // after sending, a timeout, an abort) may follow a request the provider received: the outer
        // catch records it at its bound (atkB16 #2).
        const unsent = neverSent(e);
        if (unsent) (unbilled = null), callId && opts.unbilled?.(callId);
        const why = scrub(`${(e as Error).message}${(e as Error).cause instanceof Error ? ` (${((e as Error).cause as Error).message})` : ''}`);
        throw new HttpFailure(502, `fixbench proxy: upstream ${target.origin} ${unsent ? 'unreachable' : 'failed after the request was sent'}: ${why}`, 'upstream');
      }
      try {
        const outHeaders: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (!RESPONSE_DROP.has(k.toLowerCase())) outHeaders[k] = scrub(v);
        });
        const isSse = /text\/event-stream/i.test(upstream.headers.get('content-type') ?? '');
        let usage: ExtractedUsage | null = null;
        let errorText = '';
        const ok = upstream.status >= 200 && upstream.status < 300;
        // A billed call is recorded (its ledger line fsynced by `onCall`) before the reply ends: a
        // killed run never loses a call the agent got (DESIGN.md §11 rule 4).
        const bill = (): void => {
          if (billed && !usage && !ok) (unbilled = null), callId && opts.unbilled?.(callId); // an HTTP error without usage: not billed
          if (!(billed && (usage || ok))) return;
          // built before `unbilled` is cleared: a fault while pricing it leaves the call to the unknown-cost record (atkT15 #2)
          const call = {
            usage: usage?.usage ?? { input_uncached: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, reasoning: 0 },
            raw_usage: usage?.raw ?? null,
            ...proxyCallPricing(opts, usage, { request: body, received: got.bytes }),
            billed_usd: usage?.billed_usd ?? null,
            ms: Math.round(performance.now() - t0),
            path: url.pathname,
            status: upstream.status,
            stream,
            requested_model: requestedModel,
            offered_tools: offeredTools,
          };
          unbilled = null;
          record(call, callId);
        };
        const upBody = upstream.body && countingBody(upstream.body, got);
        if (isSse && upBody) {
          res.writeHead(upstream.status, outHeaders);
          const sink = tr?.streamSink(res, up.model);
          usage = await pipeSse(upBody, sink ?? res, up.dialect, stripUsageChunk, [up.apiKey]);
          bill();
          sink?.end();
          res.end();
        } else {
          const buf = await readLimited(upBody, maxResponse);
          if (buf === null) throw new HttpFailure(502, `fixbench proxy: upstream reply larger than ${maxResponse} bytes`, 'upstream');
          let json: unknown;
          try {
            json = JSON.parse(buf.toString('utf8'));
          } catch {
            json = undefined;
          }
          usage = usageOfBody(up.dialect, json);
          if (upstream.status >= 400) errorText = scrub(buf.toString('utf8').slice(0, 500));
          bill();
          res.writeHead(upstream.status, outHeaders);
          res.end(Buffer.from(scrub(tr ? JSON.stringify(tr.response(upstream.status, json)) : buf.toString('utf8'))));
        }
        if (!(billed && (usage || ok)) && !ok) {
          upstreamErrors.count++;
          upstreamErrors.last = `HTTP ${upstream.status} from ${target.origin}${url.pathname}: ${errorText}`;
        }
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      unbilled?.();
      const f = e instanceof HttpFailure ? e : new HttpFailure(502, `fixbench proxy: ${scrub((e as Error).message)}`, 'upstream');
      if (f.kind === 'upstream') {
        upstreamErrors.count++;
        upstreamErrors.last = f.message;
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, dialect, f);
    } finally {
      release?.();
    }
  };

  // the handlers still running: close() waits for them, so a call in flight at the close is recorded before it resolves (atkS15 #3)
  const running = new Set<Promise<void>>();
  const serve = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const p = handle(req, res);
    running.add(p);
    void p.finally(() => running.delete(p));
  };
  const server = http.createServer(serve);
  server.requestTimeout = 0; // an agent's streamed call may last long; the upstream timeout bounds it
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const onSocket = opts.socketPath ? await serveOnSocket(serve, opts.socketPath).catch(async (e: unknown) => {
    server.close();
    throw e;
  }) : null;
  let closed: Promise<void> | null = null;
  return {
    origin,
    port,
    socketPath: opts.socketPath ?? null,
    openaiBaseURL: `${origin}/v1`,
    anthropicBaseURL: origin,
    token,
    calls,
    spentUsd,
    refusals,
    upstreamErrors,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing = true;
        server.closeAllConnections();
        void Promise.all([new Promise((r) => server.close(r)), onSocket?.close()])
          .then(() => Promise.allSettled([...running]))
          .then(() => resolve());
      })),
  };
}
