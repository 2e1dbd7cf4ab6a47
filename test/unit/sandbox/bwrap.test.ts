import { hostRepoOf } from '../../helpers/host-repo.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { InfraError } from '../../../src/core/errors.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { ExecOptions } from '../../../src/sandbox/types.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { runSetup } from '../../../src/workspace/setup.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { gone } from '../../helpers/process.ts';
import { bwrapProblem, bwrapUsable } from './bwrap-usable.ts';
import { processesMarked } from '../../helpers/proc-marked.ts';

const BIN = resolve(import.meta.dirname, '../../fixtures/bin');
const MiB = 1024 * 1024;

async function waitFor<T>(get: () => T, ok: (v: T) => boolean, limitMs = 10_000): Promise<T> {
  for (const end = Date.now() + limitMs; ; await new Promise((r) => setTimeout(r, 20))) {
    const v = get();
    if (ok(v) || Date.now() > end) return v;
  }
}

describe('bwrap availability', () => {
  it('bwrap is usable (required on CI, where the sandbox tests must not be skipped)', (ctx) => {
    if (!process.env.CI && !bwrapUsable) ctx.skip();
    expect(bwrapProblem).toBeNull();
  });
});

describe.runIf(bwrapUsable)('BwrapSandbox', () => {
  let root: string;
  let cwd: string;
  let sibling: string;
  // The fixture programs live in the repository, which the sandbox does not show: share them read-only.
  const sandbox = new BwrapSandbox({ readOnly: [BIN] });
  const local = new LocalSandbox();
  const run = (command: string, opts: Partial<ExecOptions> = {}) => sandbox.exec(command, { cwd, timeoutMs: 60_000, ...opts });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-bwrap-test-'));
    cwd = mkdtempSync(join(root, 'ws-'));
    sibling = mkdtempSync(join(root, 'other-'));
  });
  afterAll(async () => {
    await sandbox.cleanup();
    await local.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('returns exit code, stdout and stderr of a failing command without throwing', async () => {
    const res = await run('echo out; echo err >&2; exit 7');
    expect(res).toMatchObject({ exitCode: 7, signal: null, timedOut: false, stdout: 'out\n', stderr: 'err\n', truncated: false });
  });

  it('runs in the given cwd, pipes input to stdin, and gives an empty stdin otherwise', async () => {
    expect((await run('pwd; cat', { input: 'hello' })).stdout).toBe(`${cwd}\nhello`);
    expect((await run('cat; echo done')).stdout).toBe('done\n');
  });

  it('runs node, git, bash and patch', async () => {
    const res = await run('node --version && git --version && bash --version | head -1 && patch --version | head -1');
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toContain(process.version);
    expect(res.stdout).toMatch(/git version [^]*GNU bash[^]*GNU patch/);
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    const nodeConnect = () =>
      `node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(1) })"`;
    const bashConnect = () => `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`;

    beforeAll(async () => {
      server = createServer((s) => s.on('error', () => {}).end('hello\n'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('the host server is reachable without the sandbox (so the checks below can fail)', async () => {
      expect((await local.exec(nodeConnect(), { cwd, timeoutMs: 30_000 })).stdout).toBe('connected\n');
      expect((await local.exec(bashConnect(), { cwd, timeoutMs: 30_000 })).stdout).toBe('connected\n');
    });

    it('an agent command or test run cannot reach the network, not even the host\'s loopback', async () => {
      const viaNode = await run(nodeConnect(), { timeoutMs: 30_000 });
      expect(viaNode).toMatchObject({ exitCode: 1, stdout: 'ECONNREFUSED\n' });
      const viaBash = await run(bashConnect(), { timeoutMs: 30_000 });
      expect(viaBash.exitCode).not.toBe(0);
      expect(viaBash.stdout).toBe('');
    });

    it('a command with network: true (the task\'s setup) can', async () => {
      expect((await run(nodeConnect(), { network: true, timeoutMs: 30_000 })).stdout).toBe('connected\n');
    });

    it('the task\'s setup (runSetup) runs with the network, the agent\'s commands in the same workspace without', async () => {
      const repo = gitRepo({ 'a.txt': 'a\n' });
      try {
        const ws = { ...(await hostRepoOf(repo.dir)), cleanup: async () => repo.cleanup() };
        const setup = await runSetup(ws, { instance_id: 'net-1', setup: nodeConnect() }, sandbox);
        expect(setup?.stdout).toBe('connected\n');
        expect((await sandbox.exec(nodeConnect(), { cwd: repo.dir, timeoutMs: 30_000 })).stdout).toBe('ECONNREFUSED\n');
      } finally {
        repo.cleanup();
      }
    });
  });

  describe('files', () => {
    it('can write inside its workspace, and the host sees it', async () => {
      const res = await run('mkdir -p sub && printf made > sub/new.txt');
      expect(res.exitCode).toBe(0);
      expect(readFileSync(join(cwd, 'sub', 'new.txt'), 'utf8')).toBe('made');
    });

    it('cannot write outside its workspace: a sibling folder under the same root stays unchanged', async () => {
      const victim = join(sibling, 'keep.txt');
      writeFileSync(victim, 'original');
      const res = await run(`echo pwned > ${victim}; echo pwned > ../${sibling.split('/').pop()}/keep.txt; mkdir -p ${sibling} && echo pwned > ${victim}; cat ${victim}`);
      expect(res.stderr).toMatch(/No such file or directory/);
      expect(readFileSync(victim, 'utf8')).toBe('original');
    });

    it('cannot write to the system folders', async () => {
      const res = await run('echo pwned > /usr/fixbench-pwned; touch /etc/fixbench-pwned; echo $?');
      expect(res.stderr).toMatch(/Read-only file system/);
      expect(res.stdout).not.toBe('0\n');
      expect(() => readFileSync('/usr/fixbench-pwned')).toThrow();
    });

    it('does not see fixbench\'s repository, results or the user\'s HOME', async () => {
      const res = await run(`test -e ${resolve('package.json')} || echo no-repo; test -e ${process.env.HOME}/. || echo no-home`);
      expect(res.stdout).toBe(`no-repo\n${process.env.HOME === '/' ? '' : 'no-home\n'}`);
    });

    it('keeps nothing written to HOME or /tmp between commands (no channel into a later test run)', async () => {
      await run('echo planted > "$HOME/.planted"; echo planted > /tmp/planted');
      const res = await run('cat "$HOME/.planted" /tmp/planted 2>/dev/null || echo clean');
      expect(res.stdout).toBe('clean\n');
      expect(() => readFileSync(join(tmpdir(), 'planted'))).toThrow();
    });

    it('gives each setup command (network: true) a fresh HOME of its own, on disk, removed when it exits', async () => {
      const first = await run('printf "omit=dev\\n" > "$HOME/.npmrc"; mkdir -p "$HOME/.npm" && echo cached > "$HOME/.npm/entry"; echo "$HOME"', { network: true });
      const home = first.stdout.trim();
      expect(home.startsWith('/tmp/.fixbench-home')).toBe(false);
      expect((await run('cat "$HOME/.npmrc" "$HOME/.npm/entry" 2>/dev/null || echo absent', { network: true })).stdout).toBe('absent\n');
      expect(existsSync(home)).toBe(false);
      expect(first.removedDirs).toEqual([home]);
      expect((await run('true')).removedDirs).toBeUndefined();
    });

    it('a failed setup\'s error names no path under its removed HOME (npm\'s debug log lies there)', async () => {
      const repo = gitRepo({ 'a.txt': 'a\n' });
      try {
        const ws = { ...(await hostRepoOf(repo.dir)), cleanup: async () => repo.cleanup() };
        const err = (await runSetup(ws, { instance_id: 'npm-1', setup: 'mkdir -p "$HOME/.npm/_logs"; echo "log in: $HOME/.npm/_logs/debug-0.log" >&2; echo "$HOME" > home.txt; exit 1' }, sandbox).catch((e: unknown) => e)) as Error;
        const home = readFileSync(join(repo.dir, 'home.txt'), 'utf8').trim();
        expect(home.length).toBeGreaterThan(5);
        expect(err.message).not.toContain(home);
        expect(err.message).toContain('log in: <setup HOME, deleted>/.npm/_logs/debug-0.log');
      } finally {
        repo.cleanup();
      }
    });

    it('shows readOnly folders at their paths, read-only', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fixbench-ro-'));
      try {
        writeFileSync(join(dir, 'info.md'), 'the issue\n');
        const res = await run(`cat ${dir}/info.md; echo x > ${dir}/info.md 2>/dev/null || echo refused`, { readOnly: [dir] });
        expect(res.stdout).toBe('the issue\nrefused\n');
        expect(readFileSync(join(dir, 'info.md'), 'utf8')).toBe('the issue\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('throws InfraError for a cwd outside its roots, missing, or relative', async () => {
      const outside = await sandbox.exec('true', { cwd: '/usr', timeoutMs: 1000 }).catch((e: unknown) => e);
      expect(outside).toBeInstanceOf(InfraError);
      expect((outside as Error).message).toMatch(/outside the sandbox's roots/);
      await expect(sandbox.exec('true', { cwd: '/', timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
      await expect(sandbox.exec('true', { cwd: tmpdir(), timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
      await expect(sandbox.exec('true', { cwd: join(cwd, 'missing'), timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
      await expect(sandbox.exec('true', { cwd: 'relative', timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
    });

    it('throws InfraError when bwrap cannot set the container up (not a command failure)', async () => {
      const err = await run('true', { env: { 'BAD=NAME': 'x' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InfraError);
      expect((err as Error).message).toMatch(/bubblewrap could not set up the sandbox.*setenv/);
    });
  });

  describe('processes', () => {
    it('sees only its own processes: /proc lists a handful of pids and PID 1 is bwrap, not fixbench', async () => {
      const res = await run(`ls /proc | grep -E '^[0-9]+$'; echo ---; tr '\\0' ' ' < /proc/1/cmdline; echo; kill -0 ${process.pid} 2>/dev/null && echo "can-signal-$((6 * 7))"`);
      const [pids, pid1] = res.stdout.split('---\n');
      const numbers = pids!.trim().split('\n').map(Number);
      expect(numbers.length).toBeLessThanOrEqual(8);
      expect(Math.max(...numbers)).toBeLessThan(100);
      expect(pid1).toMatch(/^bwrap /);
      expect(pid1).not.toContain('vitest');
      expect(res.stdout).not.toContain('can-signal-42'); // computed inside: PID 1's command line holds the script
    });

    it('cannot read fixbench\'s environment through /proc', async () => {
      const res = await run(`cat /proc/${process.pid}/environ 2>&1 || echo unreadable`);
      expect(res.stdout).toMatch(/unreadable\n$/);
    });

    it('on timeout kills bwrap and everything in the container, grandchildren included', async () => {
      const marker = `fixbench-mark-${randomUUID()}`;
      const pending = run(`node ${BIN}/forever.mjs grandchild.pid`, { timeoutMs: 3000, env: { FIXBENCH_TEST_MARK: marker } });
      // bwrap (outside and as PID 1), node and its child: all found on the host by the marker.
      const seen = await waitFor(() => processesMarked(marker), (p) => p.length >= 4);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      const res = await pending;
      expect(res).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL', stdout: 'started\n' });
      for (const pid of seen) expect(await gone(pid)).toBe(true);
      expect(processesMarked(marker)).toEqual([]);
    });

    it('kills what a finished command left running in the background, without waiting for the timeout', async () => {
      const marker = `fixbench-mark-${randomUUID()}`;
      const res = await run('sleep 1000 & exit 0', { timeoutMs: 600_000, env: { FIXBENCH_TEST_MARK: marker } });
      expect(res).toMatchObject({ timedOut: false, exitCode: 0 });
      expect(res.durationMs).toBeLessThan(10_000);
      expect(await waitFor(() => processesMarked(marker), (p) => p.length === 0)).toEqual([]);
    });
  });

  describe('environment', () => {
    const planted = { OPENROUTER_API_KEY: 'sk-or-secret-bwrap', GITHUB_TOKEN: 'ghp_secret_bwrap' };
    beforeAll(() => Object.assign(process.env, planted));
    afterAll(() => {
      for (const k of Object.keys(planted)) delete process.env[k];
    });

    it('holds no API key of the parent, neither in the command\'s environment nor in bwrap\'s (PID 1)', async () => {
      const res = await run('env; echo ---; tr "\\0" "\\n" < /proc/1/environ');
      for (const secret of Object.values(planted)) expect(res.stdout).not.toContain(secret);
      expect(res.stdout).not.toMatch(/_API_KEY=|_TOKEN=/);
    });

    it('sets the fixed variables and the caller\'s extra ones', async () => {
      const res = await run('echo "$NO_COLOR $CI $FORCE_COLOR $TERM $LANG $LC_ALL $TMPDIR $EXTRA"', { env: { EXTRA: 'yes' } });
      expect(res.stdout).toBe('1 1 0 dumb C.UTF-8 C.UTF-8 /tmp yes\n');
    });
  });

  describe('output', () => {
    it('caps each stream at maxOutputBytes, marks truncated, and lets the command finish', async () => {
      const res = await run(`node ${BIN}/noisy.mjs ${3 * MiB} ${2 * MiB}`, { maxOutputBytes: MiB });
      expect(res).toMatchObject({ exitCode: 0, truncated: true });
      expect(res.stdout.length).toBe(MiB);
      expect(res.stderr.length).toBe(MiB);
    });

    it('decodes multi-byte characters written one byte at a time, and replaces invalid UTF-8', async () => {
      expect((await run(`node ${BIN}/split-utf8.mjs`)).stdout).toBe('é€😀\n');
      expect((await run("printf 'a\\377b'")).stdout).toBe('a\uFFFDb');
    });
  });
});

describe.runIf(bwrapUsable)('evaluate() in a BwrapSandbox', () => {
  const JUNIT_CMD = 'node --test --test-reporter=junit --test-reporter-destination=report.xml';
  let root: string;
  let repo: GitRepo;
  let task: TaskSpec;
  let cache: RepoCache;
  const sandbox = new BwrapSandbox();

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-bwrap-eval-'));
    const test =
      "import { it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/add.js';\n\n" +
      "it('adds', () => assert.equal(add(2, 3), 5));\nit('is a function', () => assert.equal(typeof add, 'function'));\n";
    repo = gitRepo({ 'package.json': '{ "type": "module" }\n', 'src/add.js': 'export const add = (a, b) => a - b;\n' });
    const base = repo.head;
    repo.write({ 'src/add.js': 'export const add = (a, b) => a + b;\n' });
    const gold = repo.git('diff', '--no-color');
    repo.git('checkout', '--', '.');
    repo.write({ 'test/add.test.js': test });
    repo.git('add', '--all');
    const testPatch = repo.git('diff', '--cached', '--no-color');
    repo.git('reset', '--quiet', '--hard', base);
    task = {
      instance_id: 'tiny-bwrap-1',
      repo: repo.dir,
      base_commit: base,
      setup: '',
      test_cmd: JUNIT_CMD,
      test_report: 'junit:report.xml',
      FAIL_TO_PASS: ['adds'],
      PASS_TO_PASS: ['is a function'],
      timeout_s: 120,
      tags: [],
      dir: join(root, 'tasks', 'tiny-bwrap-1'),
      problem_statement: 'add() subtracts',
      patch: gold,
      test_patch: testPatch,
    };
    cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
  });
  afterAll(async () => {
    await sandbox.cleanup();
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('resolves the gold patch, and leaves the no-op unresolved', async () => {
    const workDir = join(root, 'work');
    const gold = await evaluate({ task, modelPatch: task.patch, sandbox, repoCache: cache, workDir });
    expect(gold).toMatchObject({ outcome: 'resolved', apply_strategy: 'git apply', visible_check: true, error: null });
    const noop = await evaluate({ task, modelPatch: '', sandbox, repoCache: cache, workDir, gradeEmptyPatch: true });
    expect(noop).toMatchObject({ outcome: 'unresolved', visible_check: true });
    expect(noop.tests_status?.FAIL_TO_PASS.failure).toEqual(['adds']);
  });
});
