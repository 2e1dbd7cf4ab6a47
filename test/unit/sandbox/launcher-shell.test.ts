// The launchers' shell (src/sandbox/relay.ts `launcherShell`): dash where the host has it, else bash
// with NO_RC; the warm launcher's POSIX text hands the command to `bash -c` byte for byte under
// either shell, as the cold launcher does; and a bwrap container's launcher really is that shell.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateAttempt, type AttemptIsolation } from '../../../src/sandbox/attempt.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { findLauncherShell, launcher, launcherShell, NO_RC } from '../../../src/sandbox/relay.ts';
import { warmLauncher } from '../../../src/sandbox/warm.ts';
import { bwrapUsable } from './bwrap-usable.ts';
import { processesMarked, until } from '../../helpers/proc-marked.ts';

const dash = ['/usr/bin/dash', '/bin/dash'].find((p) => existsSync(p));

/** Runs argv with fds 3 (status), 4 and 5 as pipes; writes `fd4` to fd 4 and `fd5` to fd 5 (each then closed). */
function run(argv: readonly string[], fd4: string | null, fd5: string | null): Promise<{ code: number | null; out: string; status: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const out: Buffer[] = [];
    const status: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => out.push(c));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => status.push(c));
    for (const [fd, text] of [[4, fd4], [5, fd5]] as const) {
      const w = (child.stdio as unknown as NodeJS.WritableStream[])[fd]!;
      w.on('error', () => {});
      w.end(text ?? '');
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString('utf8'), status: Buffer.concat(status).toString('utf8') }));
  });
}

/** Text a launcher must hand on untouched: blank lines, backslashes, blanks at both ends, a leading dash, no final newline, a final newline, UTF-8, a long line. */
const COMMANDS = [
  'echo out; echo err >&2; exit 7',
  '-x',
  "printf '%s|' \"$0\" \"$#\"; echo 'a\\b'\n\n  echo \"  x  \"\n\n",
  '  echo "lead and trail"  \t',
  'printf "%s" "$(cat)"; echo " <- stdin"',
  'x=\'\\\\n\\t\'; printf "%s\\n" "$x"; echo ünï',
  `x='${'y'.repeat(20_000)}'; echo \${#x}`,
  'cat <<\'EOF\'\nline 1\n\\ line 2 $HOME\n\nEOF',
];

describe('the launchers\' shell', () => {
  it('is dash when the host has it under /usr or /bin, resolved, else bash with NO_RC', () => {
    const root = mkdtempSync(join(tmpdir(), 'fixbench-shell-test-'));
    try {
      expect(findLauncherShell([join(root, 'none')])).toEqual(['bash', ...NO_RC]);
      // a candidate that resolves outside /usr and /bin (not shown in a container) is not taken
      writeFileSync(join(root, 'real-dash'), '');
      symlinkSync(join(root, 'real-dash'), join(root, 'dash'));
      expect(findLauncherShell([join(root, 'dash')])).toEqual(['bash', ...NO_RC]);
      if (dash) {
        expect(findLauncherShell([join(root, 'none'), dash])).toEqual([realpathSync(dash)]);
        expect(launcherShell()).toEqual([realpathSync(dash)]);
      } else expect(launcherShell()).toEqual(['bash', ...NO_RC]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  for (const [name, sh] of [['dash', dash ? [dash] : null], ['bash', ['bash', ...NO_RC]]] as const) {
    it.runIf(sh !== null)(`${name}: the warm launcher runs exactly the text sent on fd 4, as the cold launcher runs its argument`, async () => {
      for (const command of COMMANDS) {
        for (const input of [undefined, 'in 1\nin 2']) {
          const warm = await run(warmLauncher(sh!), (input === undefined ? '0' : '1') + command, input ?? null);
          const cold = await run(launcher(command, undefined, sh!), null, null);
          const coldIn = input === undefined ? cold : await runWithStdin(launcher(command, undefined, sh!), input);
          expect(warm, `${name} ${JSON.stringify(command.slice(0, 30))}`).toEqual(coldIn);
          expect(warm.status).toBe('started');
        }
      }
    });

    it.runIf(sh !== null)(`${name}: fd 4 closed empty, or without a flag byte: exit 125 and no \`started\` (the command never ran)`, async () => {
      expect(await run(warmLauncher(sh!), '', null)).toEqual({ code: 125, out: '', status: '' });
      expect(await run(warmLauncher(sh!), 'echo ran', null)).toEqual({ code: 125, out: '', status: '' });
    });
  }
});

/** The cold launcher with `input` on its stdin (fd 0), as the spawn helper gives a cold command's input. */
function runWithStdin(argv: readonly string[], input: string): Promise<{ code: number | null; out: string; status: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const out: Buffer[] = [];
    const status: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => out.push(c));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => status.push(c));
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString('utf8'), status: Buffer.concat(status).toString('utf8') }));
  });
}

describe.runIf(bwrapUsable && dash !== undefined)('a bwrap container\'s launcher (dash here)', () => {
  const sandbox = new BwrapSandbox();
  let root: string;
  let own: AttemptIsolation;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-shell-bwrap-'));
    own = await isolateAttempt(sandbox);
  });
  afterAll(async () => {
    await own.cleanup();
    await sandbox.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('a waiting warm container\'s launcher is dash, and the command still runs in bash', async () => {
    const mark = randomUUID();
    const opts = { cwd: root, timeoutMs: 30_000, env: { WARM_MARK: mark } };
    own.sandbox.warmNext!(opts);
    const waiting = () => processesMarked(mark).some((pid) => exe(pid).endsWith('/dash'));
    expect(await until(waiting)).toBe(true);
    const r = await own.sandbox.exec('echo "$BASH_VERSION" | cut -c1-2; ls -l /proc/$$/exe | sed "s,.* -> ,,"', opts);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d\.\n.*\/bash\n$/);
  });
});

function exe(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}
