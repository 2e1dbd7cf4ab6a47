// The metering proxy's own failures, sent in the request's dialect.
import type http from 'node:http';
import type { Dialect } from './usage.ts';

/** A failure the proxy answers itself, in the request's dialect (see `sendError` in server.ts). */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kind: 'auth' | 'too_large' | 'budget' | 'bad_request' | 'forbidden' | 'upstream',
  ) {
    super(message);
  }
}


/** Sends a proxy error in the request's dialect. */
export function sendError(res: http.ServerResponse, dialect: Dialect, f: HttpFailure): void {
  const openaiType = { auth: 'invalid_request_error', too_large: 'invalid_request_error', budget: 'insufficient_quota', bad_request: 'invalid_request_error', forbidden: 'invalid_request_error', upstream: 'server_error' }[f.kind];
  const anthropicType = { auth: 'authentication_error', too_large: 'request_too_large', budget: 'billing_error', bad_request: 'invalid_request_error', forbidden: 'permission_error', upstream: 'api_error' }[f.kind];
  const payload =
    dialect === 'anthropic'
      ? { type: 'error', error: { type: anthropicType, message: f.message } }
      : { error: { message: f.message, type: openaiType, code: f.kind === 'budget' ? 'fixbench_budget_exhausted' : f.kind === 'auth' ? 'invalid_api_key' : null, param: null } };
  res.writeHead(f.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}
