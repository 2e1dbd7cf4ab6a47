// neverSent: only a failure proving no connection was made counts as "nothing reached the provider".
import net from 'node:net';
import { expect, it } from 'vitest';
import { neverSent } from '../../../src/core/upstream-fetch.ts';

it('connection refused (a real fetch failure) proves nothing was sent', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const e = await fetch(`http://127.0.0.1:${port}/`).catch((x: unknown) => x);
  expect(neverSent(e)).toBe(true);
});

it('a reset, a headers timeout, an abort or an unknown error do not', () => {
  const wrap = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
  expect(neverSent(wrap('ECONNRESET'))).toBe(false);
  expect(neverSent(wrap('UND_ERR_SOCKET'))).toBe(false);
  expect(neverSent(wrap('UND_ERR_HEADERS_TIMEOUT'))).toBe(false);
  expect(neverSent(new DOMException('aborted', 'AbortError'))).toBe(false);
  expect(neverSent(new Error('Connection error.'))).toBe(false);
  expect(neverSent(wrap('ENOTFOUND'))).toBe(true);
  // an SDK's connection error wraps the fetch failure one level further
  expect(neverSent(new Error('Connection error.', { cause: wrap('ECONNREFUSED') }))).toBe(true);
  // happy eyeballs: every address refused
  expect(neverSent(new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })]) }))).toBe(true);
  expect(neverSent(new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNRESET' })]) }))).toBe(false);
});

it('an unreachable network or host proves nothing was sent only when connect reported it, not a read or write of an established socket (atkD16 #2)', () => {
  const err = (code: string, syscall: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code, syscall }) });
  expect(neverSent(err('EHOSTUNREACH', 'connect'))).toBe(true);
  expect(neverSent(err('ENETUNREACH', 'connect'))).toBe(true);
  expect(neverSent(err('EHOSTUNREACH', 'read'))).toBe(false);
  expect(neverSent(err('ENETUNREACH', 'write'))).toBe(false);
  expect(neverSent(err('ECONNREFUSED', 'connect'))).toBe(true);
});
