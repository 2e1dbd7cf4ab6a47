// Isolation: what one attempt's isolation (issue 13) costs, against the path before it, interleaved.
// An external agent's attempt is modelled by what the harness itself does around the agent CLI:
//   new: `isolateAttempt` (private HOME/TMPDIR/socket folder) + metering proxy also on a Unix socket
//        + one command under bwrap without network, its relay serving the socket on the sandbox's
//        loopback + removal of the folders;
//   old: metering proxy on TCP + the same command under bwrap with the host's network and the
//        shared setup HOME.
// The command (`true`) stands for the agent CLI, so the difference is the isolation's own cost. For
// `local` the same pair is measured (new: attempt folders + the marker scan of /proc after the command).
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startMeteringProxy } from '../src/proxy/server.ts';
import { isolateAttempt } from '../src/sandbox/attempt.ts';
import { BwrapSandbox } from '../src/sandbox/bwrap.ts';
import { LocalSandbox } from '../src/sandbox/local.ts';
import type { SandboxBackend } from '../src/sandbox/types.ts';
import { median, pairedRatio, summarize } from './lib/stats.ts';
import { measurement } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Added wall time per attempt (issue 13): at most 50 ms. */
export const ISOLATION_ADDED_TARGET = { op: '<=', limit: 50, unit: ' ms' } as const;

const upstream = { dialect: 'openai' as const, baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-bench-isolation-000', model: 'm' };

async function oldAttempt(sandbox: SandboxBackend, cwd: string): Promise<number> {
  const t0 = performance.now();
  const proxy = await startMeteringProxy({ upstream, price: null, capUsd: null });
  await sandbox.exec('true', { cwd, timeoutMs: 30_000, network: true });
  await proxy.close();
  return performance.now() - t0;
}

async function newAttempt(sandbox: SandboxBackend, cwd: string): Promise<number> {
  const t0 = performance.now();
  const own = await isolateAttempt(sandbox);
  const proxy = await startMeteringProxy({ upstream, price: null, capUsd: null, socketPath: path.join(own.runDir, 'proxy.sock') });
  const r = await own.sandbox.exec('true', { cwd, timeoutMs: 30_000, proxy: { socket: proxy.socketPath!, port: proxy.port } });
  if (r.exitCode !== 0) throw new Error(`isolated command failed: ${r.stderr}`);
  await proxy.close();
  await own.cleanup();
  return performance.now() - t0;
}

export async function benchIsolation(ctx: BenchContext): Promise<SectionResult> {
  const n = ctx.quick ? 5 : 40;
  const ws = await mkdtemp(path.join(ctx.scratch, 'isolation-ws-'));
  await mkdir(ws, { recursive: true });
  const measurements = [];
  const profile: string[] = [];
  const notes: string[] = [];
  const backends: Array<[string, SandboxBackend]> = [['local', new LocalSandbox({ roots: [ctx.scratch] })]];
  const bwrap = new BwrapSandbox({ roots: [ctx.scratch] });
  try {
    await bwrap.init();
    backends.unshift(['bwrap', bwrap]);
  } catch (e) {
    notes.push(`bwrap not measured: ${(e as Error).message}`);
  }
  ctx.log(`isolation: ${backends.map((b) => b[0]).join(', ')}; ${n} attempts each way, interleaved`);
  for (const [name, sandbox] of backends) {
    await oldAttempt(sandbox, ws); // warm-up
    await newAttempt(sandbox, ws);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) { b.push(await newAttempt(sandbox, ws)); a.push(await oldAttempt(sandbox, ws)); }
      else { a.push(await oldAttempt(sandbox, ws)); b.push(await newAttempt(sandbox, ws)); }
    }
    const added = summarize(b.map((x, i) => x - a[i]!));
    measurements.push(
      measurement(`isolation (${name}): isolated attempt ÷ old attempt`, pairedRatio(b, a), '×', null),
      measurement(`isolation (${name}): ms added per attempt`, added, ' ms', ISOLATION_ADDED_TARGET, 1),
    );
    profile.push(`${name}: old path ${median(a).toFixed(1)} ms, isolated ${median(b).toFixed(1)} ms per attempt (proxy start/stop + one command)`);
    await sandbox.cleanup();
  }
  return { section: 'isolation', measurements, profile, notes };
}
