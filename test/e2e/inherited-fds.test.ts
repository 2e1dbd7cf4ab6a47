// A descriptor fixbench inherited from whatever started it never reaches a sandboxed command
// (scripts/inherited-fds.mjs, DESIGN.md §11): a nightly script's `exec 200>>lock` or a directory
// left open (`exec 100</some/dir`) would otherwise be open in every agent command and test run, in
// every sandbox, and `/proc/self/fd/100/…` opens host files outside every bind (atkB17 #6).
// Through the real CLI: the gold patch's code, run by the hidden tests under bwrap, tries both.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.ts';
import { FIX_FILES, tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';
import { patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

let tmp: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-fds-'));
  repo = tinyRepo();
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('inherited descriptors', () => {
  // bin/fixbench.mjs closes them at start; the spawn helper too, for fixbench's modules run without it (tsx: bench/lib/fixbench-tsx.mjs, atkC17 #1)
  it.runIf(bwrapUsable).each([
    ['bin/fixbench.mjs', BIN],
    ['the sources through tsx (no bin)', path.join(ROOT, 'bench', 'lib', 'fixbench-tsx.mjs')],
  ])('a directory fd and a file fd open in the shell that ran fixbench reach no test run: %s', async (_, entry) => {
    const run = path.basename(entry, '.mjs');
    const hostDir = path.join(tmp, run, 'host');
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(path.join(hostDir, 'secret.txt'), 'host secret\n');
    const lock = path.join(tmp, run, 'lock.txt');
    writeFileSync(lock, '');
    const tasks = path.join(tmp, run, 'tasks');
    // gold's code, loaded by the hidden tests: copies the host secret out through fd 100, appends to fd 200
    const probe =
      "try { const fs = require('fs'); fs.writeFileSync('/proc/self/fd/100/pwned.txt', fs.readFileSync('/proc/self/fd/100/secret.txt')); } catch {}\n" +
      "try { require('fs').writeSync(200, 'leaked\\n'); } catch {}\n";
    writeTinyTask(tasks, repo, 'fd-1', { gold: patchFor(repo, { 'src/add.js': `${FIX_FILES['src/add.js']}${probe}` }) });
    const r = await execa('bash', ['-c', 'exec 100<"$1" 200>>"$2"; shift 2; exec node "$@"', 'fixbench-fds', hostDir, lock, entry,
      'run', '--tasks', tasks, '--no-models', '--sandbox', 'bwrap', '--results', path.join(tmp, run, 'results'), '--reports', path.join(tmp, run, 'reports'),
      '--cache-dir', path.join(tmp, run, 'cache'), '--run-id', 'fds'], { cwd: ROOT, reject: false, env: { NO_COLOR: '1' }, timeout: 240_000 });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    // the gold attempt ran its tests (the probe's code was loaded: resolved), and nothing got out
    const records = readFileSync(path.join(tmp, run, 'results', 'fds', 'attempts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { agent: string; outcome: string });
    expect(records.find((x) => x.agent === 'gold')?.outcome).toBe('resolved');
    expect(existsSync(path.join(hostDir, 'pwned.txt'))).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe('');
  });

  it('closeInheritedFds closes what is not close-on-exec, keeps what is asked', async () => {
    const r = await execa('bash', ['-c', `exec 100<"$1" 101<"$1"; exec node --input-type=module -e "$2"`, 'x', tmp,
      `import { closeInheritedFds } from ${JSON.stringify(path.join(ROOT, 'scripts', 'inherited-fds.mjs'))}; import { readdirSync } from 'node:fs';
       const closed = closeInheritedFds({ keep: [101] }); const open = readdirSync('/proc/self/fd').map(Number);
       console.log(JSON.stringify({ closed: closed.filter((n) => n >= 100 && n < 200), has100: open.includes(100), has101: open.includes(101) }));`], { reject: false });
    expect(JSON.parse(String(r.stdout).trim())).toEqual({ closed: [100], has100: false, has101: true });
  });
});
