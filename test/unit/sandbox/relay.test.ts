// The loopback relay (Perl, and the Node fallback): serves a Unix socket on 127.0.0.1:<port>, the
// command starts only once it listens, and a relay that cannot listen is a set-up failure (no
// `started`). Run here on the host (a process group, killed whole when the command ends).
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expectRanAsCommand, OPTION_LIKE } from '../../helpers/option-like.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { serveOnSocket } from '../../../src/proxy/socket.ts';
import { launcher, relayCommand, type RelayProgram } from '../../../src/sandbox/relay.ts';
import { runProcessGroup } from '../../../src/sandbox/spawn.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const programs: Array<[string, () => RelayProgram]> = [
  ['perl', () => relayCommand()],
  ['node (no perl)', () => relayCommand('/nonexistent/perl')],
];

/** `launcher(command, relay)` run on the host, as the sandbox runs it in a container. */
async function launch(command: string, relay?: Parameters<typeof launcher>[1]) {
  const argv = launcher(command, relay);
  return runProcessGroup({ file: argv[0]!, args: argv.slice(1), cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 20_000, statusFd: true });
}

it('the launcher without a relay runs a command starting with - or + as a command, and ordinary ones as before', async () => {
  for (const [command] of OPTION_LIKE) {
    const { result, status } = await launch(command);
    expect(status, command).toBe('started');
    expectRanAsCommand(command, result);
  }
  const { result } = await launch('printf "%s|%s\\n" "$0" "$#"; exit 3');
  expect(result).toMatchObject({ exitCode: 3, stdout: 'bash|0\n' });
}, 30_000);

describe.each(programs)('relay in %s', (_name, program) => {
  it('pipes HTTP on 127.0.0.1:<port> to the Unix socket, both ways, for several requests', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-relay-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const sock = path.join(dir, 'p.sock');
    const server = await serveOnSocket((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(`got ${req.method} ${req.url} ${n} bytes`));
    }, sock);
    cleanups.push(() => server.close());
    const port = await freePort();
    const client = `for (const n of [0, 200000]) { const r = await fetch('http://127.0.0.1:${port}/v1/x', { method: 'POST', body: 'y'.repeat(n) }); console.log(await r.text()); }`;
    const { result, status } = await runProcessGroup({
      file: launcher(`node --input-type=module -e "${client}"`, { program: program(), socket: sock, port })[0]!,
      args: launcher(`node --input-type=module -e "${client}"`, { program: program(), socket: sock, port }).slice(1),
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 20_000,
      statusFd: true,
    });
    expect(status).toBe('started');
    expect(result.stdout, result.stderr).toBe('got POST /v1/x 0 bytes\ngot POST /v1/x 200000 bytes\n');
  }, 30_000);

  it('runs a command starting with - or + as a command, not as bash\'s options', async () => {
    for (const command of [...OPTION_LIKE.map(([c]) => c), 'echo ran "$0" "$#"']) {
      const { result, status } = await launch(command, { program: program(), socket: '/nonexistent.sock', port: await freePort() });
      expect(status, command).toBe('started');
      if (command.startsWith('echo')) expect(result).toMatchObject({ exitCode: 0, stdout: 'ran bash 0\n' });
      else expectRanAsCommand(command, result);
    }
  }, 30_000);

  it('fails before `started` when it cannot listen (the port is taken)', async () => {
    const taken = http.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => taken.close(r)));
    const port = (taken.address() as net.AddressInfo).port;
    const { result, status } = await runProcessGroup({
      file: launcher('echo ran', { program: program(), socket: '/nonexistent.sock', port })[0]!,
      args: launcher('echo ran', { program: program(), socket: '/nonexistent.sock', port }).slice(1),
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 20_000,
      statusFd: true,
    });
    expect(status).toBe('');
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).not.toContain('ran');
    expect(result.stderr).toMatch(/fixbench relay/);
  }, 30_000);
});
