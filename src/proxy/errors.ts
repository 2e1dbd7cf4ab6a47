// The metering proxy's own failures, and which endpoints are never billed.

/** A failure the proxy answers itself, in the request's dialect (see `sendError` in server.ts). */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kind: 'auth' | 'too_large' | 'budget' | 'bad_request' | 'upstream',
  ) {
    super(message);
  }
}

/**
 * Endpoints no provider bills (issue 20.5): Anthropic `count_tokens`, model lists. A 2xx reply from
 * them without usage is not a call of unknown cost; it is not recorded at all.
 */
export const isUnbilled = (path: string): boolean => /\/count_tokens$/.test(path) || /^\/v1\/models(\/|$)/.test(path) || path === '/models';
