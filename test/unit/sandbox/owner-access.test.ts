// A command that takes away its own folders' owner bits (`chmod 000 .`) never makes its attempt an
// infra error (attackF): the next command starts (bwrap's `--chdir`, local's spawn), the patch is
// extracted, the workspace is removed; and the restore never follows a link out of the workspace.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { restoreOwnerAccess, restoreOwnerAccessTree } from '../../../src/sandbox/owner-access.ts';
import { bwrapUsable } from './bwrap-usable.ts';

const mode = (p: string) => statSync(p).mode & 0o7777;
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fixbench-owner-access-'));
  chmodSync(root, 0o755); // readable by the unprivileged user below
});
afterAll(() => {
  execFileSync('chmod', ['-R', 'u+rwx', root]);
  rmSync(root, { recursive: true, force: true });
});

describe('restoreOwnerAccess / restoreOwnerAccessTree', () => {
  it('gives the owner rwx back on every folder below, keeping the other bits', async () => {
    const ws = mkdtempSync(join(root, 'ws-'));
    mkdirSync(join(ws, 'a/b/c'), { recursive: true });
    chmodSync(join(ws, 'a/b/c'), 0o055);
    chmodSync(join(ws, 'a/b'), 0o000);
    chmodSync(ws, 0o000);
    expect(await restoreOwnerAccessTree(ws)).toBe(3);
    expect([mode(ws), mode(join(ws, 'a')), mode(join(ws, 'a/b')), mode(join(ws, 'a/b/c'))]).toEqual([0o700, 0o755, 0o700, 0o755]);
    chmodSync(ws, 0o050);
    await restoreOwnerAccess(ws);
    expect(mode(ws)).toBe(0o750);
  });

  it('never changes nor enters a folder through a symbolic link', async () => {
    const outside = mkdtempSync(join(root, 'outside-'));
    mkdirSync(join(outside, 'inner'));
    chmodSync(join(outside, 'inner'), 0o000);
    chmodSync(outside, 0o000);
    const ws = mkdtempSync(join(root, 'ws-'));
    symlinkSync(outside, join(ws, 'link'));
    symlinkSync(outside, join(ws, 'top-link'));
    await restoreOwnerAccessTree(ws);
    await restoreOwnerAccess(join(ws, 'top-link'));
    await restoreOwnerAccessTree(join(ws, 'link'));
    expect(mode(outside)).toBe(0o000);
    chmodSync(outside, 0o700);
    expect(mode(join(outside, 'inner'))).toBe(0o000);
  });

  it('leaves a file, a FIFO and a missing path alone without throwing', async () => {
    const ws = mkdtempSync(join(root, 'ws-'));
    execFileSync('mkfifo', [join(ws, 'fifo')]);
    await expect(restoreOwnerAccessTree(join(ws, 'fifo'))).resolves.toBe(0);
    await expect(restoreOwnerAccess(join(ws, 'missing'))).resolves.toBeUndefined();
    expect(await restoreOwnerAccessTree(ws)).toBe(0);
  });
});

describe.runIf(bwrapUsable)('bwrap: a command that locks its workspace', () => {
  const sandbox = new BwrapSandbox();
  afterAll(() => sandbox.cleanup());

  it('does not stop the next command from starting (chmod 000 ., a folder below, HOME, TMPDIR)', async () => {
    const ws = mkdtempSync(join(root, 'ws-'));
    const home = mkdtempSync(join(root, 'home-'));
    const tmp = mkdtempSync(join(root, 'tmp-'));
    const opts = { cwd: ws, timeoutMs: 30_000, home, tmpDir: tmp };
    const lock = await sandbox.exec('mkdir sub && chmod 000 sub "$HOME" "$TMPDIR" . && echo locked', opts);
    expect(lock.stdout.trim()).toBe('locked');
    const next = await sandbox.exec('echo hi; cd sub', opts);
    expect(next.stdout.trim()).toBe('hi');
    expect(next.exitCode).not.toBe(0); // its own folder below stays locked to it: the agent's doing
  });
});

// Root ignores modes, so the host side (local's spawn, host git, the removal) is tried as nobody.
const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
describe.runIf(asNobody)('as an unprivileged user (--sandbox local, patch extraction, removal)', () => {
  it('runs the next command, extracts the patch and removes the locked workspace', () => {
    const repoRoot = resolve(import.meta.dirname, '../../..');
    const own = mkdtempSync(join(root, 'nobody-'));
    chownSync(own, 65534, 65534);
    const out = execFileSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${own}`, `TMPDIR=${own}`, process.execPath, '--import', 'tsx', 'test/fixtures/locked/locked-workspace.mts'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(r.lock).toBe('exit 0 ');
    expect(r.next).toBe('exit 0 hi');
    expect(r.patch).toContain('+x');
    expect(r.removed).toBe(true);
  });
});
