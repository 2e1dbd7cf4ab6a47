// bench/manual-baseline.sh, the hand-run baseline of the overhead and concurrency benches: its
// attempt count, its pool of --jobs attempts at once, fixbench's test environment, and its verdicts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ceilingVerdict, repetitionOrder } from '../../../bench/concurrency.ts';

const script = join(import.meta.dirname, '../../../bench/manual-baseline.sh');
let root: string;
let bundle: string;
let base: string;
let taskDir: string;

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' }).trim();

/** A one-file repository as a bundle, a task folder with gold.patch (a → fixed) and test.patch (adds t.txt). */
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fixbench-manual-baseline-'));
  const repo = join(root, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'a.txt'), 'broken\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  base = git(repo, 'rev-parse', 'HEAD');
  bundle = join(root, 'repo.bundle');
  git(repo, 'bundle', 'create', '-q', bundle, '--all');
  taskDir = join(root, 'task');
  mkdirSync(taskDir);
  writeFileSync(join(repo, 'a.txt'), 'fixed\n');
  writeFileSync(join(taskDir, 'gold.patch'), git(repo, 'diff') + '\n');
  git(repo, 'checkout', '-q', 'a.txt');
  writeFileSync(join(repo, 't.txt'), 'test\n');
  git(repo, 'add', 't.txt');
  writeFileSync(join(taskDir, 'test.patch'), git(repo, 'diff', '--cached') + '\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the script on one task whose test_cmd is `testCmd`; returns its exit code, stdout and stderr. */
function run(testCmd: string, flags: string[], env: Record<string, string> = {}) {
  const manifestFile = join(root, `manifest-${Math.random().toString(36).slice(2)}.tsv`);
  writeFileSync(manifestFile, ['t-1', bundle, base, taskDir, testCmd].join('\t') + '\n');
  const r = spawnSync('bash', [script, ...flags, manifestFile], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A test command that passes with gold's fix (a.txt says "fixed", test.patch's t.txt is there) and
 * leaves a trace in `dir`: `running` = how many attempts hold a marker when it looks (markers live
 * only inside test runs, so never more than are in flight), `started` = how many test runs had
 * started by then. With `waitForOther` it first waits (≤ 10 s) until a second test run has started:
 * the first attempt sees two started only when the pool ran two at once.
 */
function tracing(dir: string, waitForOther: boolean): string {
  const wait = waitForOther ? `for i in $(seq 200); do [ $(ls ${dir}/started | wc -l) -ge 2 ] && break; sleep 0.05; done; ` : '';
  return `m=$$; touch ${dir}/running/$m ${dir}/started/$m; ${wait}echo $(ls ${dir}/running | wc -l) $(ls ${dir}/started | wc -l) >> ${dir}/seen; ` +
    `env > ${dir}/env.$m; rm ${dir}/running/$m; grep -q fixed a.txt && test -f t.txt`;
}

/** The trace's lines: [running, started] per test run, in the order they looked. */
function seen(dir: string): number[][] {
  return readFileSync(join(dir, 'seen'), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
}

/** A fresh trace folder under the fixture. */
function traceDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'running'), { recursive: true });
  mkdirSync(join(dir, 'started'), { recursive: true });
  return dir;
}

describe('bench/manual-baseline.sh', () => {
  it('runs tasks × attempts × (gold, noop) one at a time by default, and prints the sums', () => {
    const dir = traceDir('serial');
    const r = run(tracing(dir, false), ['--attempts', '2']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as Record<string, number>;
    expect(out.attempts).toBe(4);
    for (const k of ['clone_ms', 'apply_ms', 'test_ms', 'total_ms']) expect(out[k]).toBeGreaterThanOrEqual(0);
    expect(seen(dir)).toEqual([[1, 1], [1, 2], [1, 3], [1, 4]]);
  });

  it('with --jobs 2 keeps two attempts running at once', () => {
    const dir = traceDir('pool');
    const r = run(tracing(dir, true), ['--attempts', '2', '--jobs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim()).attempts).toBe(4);
    const lines = seen(dir);
    expect(lines).toHaveLength(4);
    // The first test run saw a second one start before it ended: two at once; never more than two.
    expect(lines[0]![1]).toBe(2);
    for (const [running] of lines) expect(running).toBeLessThanOrEqual(2);
  });

  it('runs test_cmd in fixbench\'s test environment, not the caller\'s', () => {
    const dir = traceDir('env');
    const r = run(tracing(dir, false), [], { NODE_EXTRA_CA_CERTS: '/nonexistent.pem', FIXBENCH_LEAK_CHECK: 'x', HOME: '/root-home-of-caller' });
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(dir).filter((f) => f.startsWith('env.'));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const env = Object.fromEntries(readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(env.NODE_EXTRA_CA_CERTS).toBeUndefined();
      expect(env.FIXBENCH_LEAK_CHECK).toBeUndefined();
      expect(env.HOME).not.toBe('/root-home-of-caller');
      expect(env).toMatchObject({ LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1', FORCE_COLOR: '0', CI: '1', PATH: process.env.PATH });
      expect(Object.keys(env).filter((k) => !['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM', 'NO_COLOR', 'FORCE_COLOR', 'CI', 'PWD', 'SHLVL', '_'].includes(k))).toEqual([]);
    }
  });

  it('fails when noop\'s tests pass or gold\'s fail, and refuses a bad flag', () => {
    const passes = run('true', ['--jobs', '2']);
    expect(passes.code).toBe(1);
    expect(passes.stderr).toMatch(/t-1: tests passed without the fix/);
    const fails = run('false', []);
    expect(fails.code).toBe(1);
    expect(fails.stderr).toMatch(/t-1: tests failed with gold.patch/);
    expect(run('true', ['--jobs', '0']).code).toBe(2);
    expect(run('true', ['--bogus', '1']).code).toBe(2);
  });
});

describe('the concurrency section\'s verdict and order', () => {
  it('says whose a MISS is from the hand-run ratio', () => {
    expect(ceilingVerdict(1.45, 1.5, 0.95)).toBe("the same work without fixbench reaches only 1.50× here (< 1.70×): a MISS of the row is this machine's (its cores), not fixbench's; fixbench's ratio is 95% of the hand-run one");
    expect(ceilingVerdict(1.6, 1.8, 0.9)).toBe("the same work without fixbench reaches 1.80× here (≥ 1.70×): the machine allows the target: the MISS is fixbench's; fixbench's ratio is 90% of the hand-run one");
    expect(ceilingVerdict(1.75, 1.8, 0.97)).toMatch(/^the same work without fixbench reaches 1\.80× here \(≥ 1\.70×\): the row passes; /);
    expect(ceilingVerdict(1.45, 1.5, 0.95, 1.9, 2)).not.toMatch(/busy machine/);
    expect(ceilingVerdict(1.45, 1.5, 0.95, 8.5, 2)).toMatch(/hand-run one \(but the load was 8\.5 on 2 cores at the start: these ratios measure the share of a busy machine/);
  });

  it('alternates the four runs of a repetition, each 1-vs-2 pair side by side', () => {
    expect(repetitionOrder(0)).toEqual(['f1', 'f2', 's1', 's2']);
    expect(repetitionOrder(1)).toEqual(['s2', 's1', 'f2', 'f1']);
  });
});
