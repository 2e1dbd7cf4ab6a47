// Capability probes of a sandbox backend, for `fixbench doctor` and `--sandbox auto`: does the
// external agents' network isolation (proxy socket + loopback relay, issue 13.5) actually hold here?
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { serveOnSocket } from '../proxy/socket.ts';
import { isolateAttempt } from './attempt.ts';
import type { SandboxBackend } from './types.ts';

/** What `probeProxyOnlyNetwork` found. */
export interface NetworkProbe {
  /** True when the relayed proxy answered and the host's loopback was unreachable. */
  ok: boolean;
  /** The relayed socket answered inside the sandbox. */
  proxyReached: boolean;
  /** A listener on the host's 127.0.0.1 was reachable from inside (isolation broken). */
  hostLoopbackReached: boolean;
  /** Why `ok` is false, in one sentence; null when ok. */
  problem: string | null;
}

/**
 * Runs one command in `sandbox` (whose `roots` must hold `workspace`, an existing folder) the way an
 * external agent runs: with a private HOME/TMPDIR and a stand-in proxy on a Unix socket relayed to
 * the sandbox's loopback. Inside, it fetches from the relay and tries a TCP connection to a
 * listener on the host's 127.0.0.1. Meaningful for `bwrap`; under `local` the host loopback is
 * always reachable (`ok` false). Never throws for the probe's findings.
 * @throws InfraError when the sandbox itself cannot run a command.
 */
export async function probeProxyOnlyNetwork(sandbox: SandboxBackend, workspace: string, timeoutMs = 20_000): Promise<NetworkProbe> {
  const own = await isolateAttempt(sandbox);
  const socket = join(own.runDir, 'probe.sock');
  const proxy = await serveOnSocket((_req, res) => res.end('fixbench-probe-ok'), socket);
  const host = http.createServer((_req, res) => res.end('host'));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', () => resolve()));
  const hostPort = (host.address() as net.AddressInfo).port;
  const relayPort = await freePort();
  try {
    // bash's /dev/tcp: no tool beyond bash needed inside.
    const r = await own.sandbox.exec(
      `exec 5<>/dev/tcp/127.0.0.1/${relayPort} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&5 && grep -q fixbench-probe-ok <&5 && echo PROXY_OK; ` +
        `if (exec 6<>/dev/tcp/127.0.0.1/${hostPort}) 2>/dev/null; then echo HOST_REACHED; fi; true`,
      { cwd: workspace, timeoutMs, proxy: { socket, port: relayPort } },
    );
    const proxyReached = r.stdout.includes('PROXY_OK');
    const hostLoopbackReached = r.stdout.includes('HOST_REACHED');
    const problem = !proxyReached
      ? `the metering proxy could not be reached through the sandbox's relay (${(r.stderr.trim() || `exit ${r.exitCode}`).slice(0, 300)})`
      : hostLoopbackReached
        ? `a command in the ${sandbox.kind} sandbox reached a service on the host's 127.0.0.1: external agents would not be limited to the proxy`
        : null;
    return { ok: problem === null, proxyReached, hostLoopbackReached, problem };
  } finally {
    await proxy.close();
    await new Promise((resolve) => host.close(resolve));
    await own.cleanup();
  }
}

/** A TCP port free on the host's loopback right now (the sandbox's own loopback is empty anyway). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
