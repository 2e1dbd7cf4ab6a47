// workspace.cleanup() removes a workspace whose agent locked non-empty folders (atkB F1): plain
// `rm -r` fails there with EACCES (it must read the folder), which ended the whole run. Root
// ignores modes, so the removal is tried as nobody (as test/unit/sandbox/owner-access.test.ts does).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
const own = mkdtempSync(join(tmpdir(), 'fixbench-ws-locked-nobody-'));
afterAll(() => {
  execFileSync('chmod', ['-R', 'u+rwx', own]);
  rmSync(own, { recursive: true, force: true });
});

describe.runIf(asNobody)('a workspace with locked non-empty folders (as an unprivileged user)', () => {
  it('is removed by workspace.cleanup(), which does not throw', () => {
    chownSync(own, 65534, 65534);
    const out = execFileSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${own}`, `TMPDIR=${own}`, process.execPath, '--import', 'tsx', 'test/fixtures/locked/workspace-cleanup.mts'],
      { cwd: resolve(import.meta.dirname, '../../..'), encoding: 'utf8', timeout: 60_000 },
    );
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ threw: null, gone: true });
  }, 60_000);
});
