// probeProxyOnlyNetwork: under bwrap the relayed proxy answers and the host loopback does not;
// under local the host loopback is reachable, so the probe says isolation does not hold.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { probeProxyOnlyNetwork } from '../../../src/sandbox/probes.ts';
import type { SandboxBackend } from '../../../src/sandbox/types.ts';
import { bwrapUsable } from './bwrap-usable.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function probe(sandbox: SandboxBackend) {
  cleanups.push(() => sandbox.cleanup());
  const ws = await mkdtemp(path.join(os.tmpdir(), 'fixbench-probe-'));
  cleanups.push(() => rm(ws, { recursive: true, force: true }));
  return probeProxyOnlyNetwork(sandbox, ws);
}

describe('probeProxyOnlyNetwork', () => {
  it.runIf(bwrapUsable)('bwrap: only the proxy is reachable', async () => {
    expect(await probe(new BwrapSandbox())).toEqual({ ok: true, proxyReached: true, hostLoopbackReached: false, problem: null });
  }, 30_000);

  it('local: the host loopback is reachable, so the probe fails with a reason', async () => {
    const r = await probe(new LocalSandbox());
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/proxy could not be reached|host's 127\.0\.0\.1/);
  }, 30_000);
});
