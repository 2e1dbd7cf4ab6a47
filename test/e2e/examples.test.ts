// The CI examples cannot drift from their engines or from the CLI: each file passes its engine's
// schema (offline validators from npm, test/helpers/ci-schemas.ts), and the fixbench commands
// parsed out of it run end to end against the bundled suite — two nights, sharded 2 ways, merged,
// reported and compared — with the engine's variables as that engine sets them. `npx` is a shim
// that runs this checkout's CLI and narrows `run` to one task (fast; reference agents only, as no
// provider key is set).
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.ts';
import { githubWorkflowProblems, gitlabCiProblems, kubernetesProblems } from '../helpers/ci-schemas.ts';
import { apparmorProfile } from '../../src/sandbox/probe.ts';

const EXAMPLES = path.join(ROOT, 'examples');
const TASK = 'js-duration-1';
let tmp: string;
let shim: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-examples-'));
  shim = path.join(tmp, 'bin');
  await mkdir(shim);
  await writeFile(
    path.join(shim, 'npx'),
    '#!/bin/bash\n[ "$1" = fixbench ] || { echo "examples test: unexpected npx $*" >&2; exit 99; }\nshift\n' +
      'if [ "$1" = run ]; then shift; set -- run --task "$EXAMPLE_TASK" "$@"; fi\nexec node "$EXAMPLE_BIN" "$@"\n',
  );
  await chmod(path.join(shim, 'npx'), 0o755);
  // `node bin/fixbench.mjs` (the Kubernetes shard runs fixbench from bin/ so its PID 1 can pass SIGTERM on):
  // the scripts run in tmp, so tmp/bin/fixbench.mjs is the same stand-in as the npx shim.
  await writeFile(
    path.join(shim, 'fixbench.mjs'),
    "const args = process.argv.slice(2);\nif (args[0] === 'run') args.splice(1, 0, '--task', process.env.EXAMPLE_TASK);\n" +
      "process.argv = [process.argv[0], process.env.EXAMPLE_BIN, ...args];\nawait import(new URL(`file://${process.env.EXAMPLE_BIN}`).href);\n",
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs a script as the engine would (bash, stop at the first failing command); throws with its output when it fails. */
async function sh(script: string, env: Record<string, string>, cwd: string, what: string): Promise<string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/API_KEY|^CI_|^GITHUB_|^BUILDKITE|^JOB_COMPLETION|^FIXBENCH_SHARD/.test(k)));
  const r = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env: { ...clean, ...env, PATH: `${shim}:${process.env.PATH}`, EXAMPLE_BIN: BIN, EXAMPLE_TASK: TASK, NO_COLOR: '1', FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache') },
    extendEnv: false,
    reject: false,
    timeout: 240_000,
  });
  if (r.exitCode !== 0) throw new Error(`${what}: exit ${r.exitCode}\n--- script\n${script}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return `${r.stdout}\n${r.stderr}`;
}

const mentionsFixbench = (s: unknown): s is string => typeof s === 'string' && /\bnpx fixbench\b|\bnode bin\/fixbench\.mjs\b/.test(s);

async function attempts(dir: string): Promise<number> {
  return (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).split('\n').filter((l) => l.trim()).length;
}

describe('GitHub Actions: examples/nightly.yml', () => {
  it('passes GitHub\'s workflow parser, and its fixbench steps run two nights end to end (2 shards, merge, report, compare)', async () => {
    const text = await readFile(path.join(EXAMPLES, 'nightly.yml'), 'utf8');
    expect(await githubWorkflowProblems('nightly.yml', text)).toEqual([]);
    expect((await githubWorkflowProblems('nightly.yml', text.replace('runs-on:', 'runs_on:'))).join('\n')).toMatch(/runs_on/); // the validator is live
    const wf = parse(text);
    // results/ history: the restore takes the newest save of any night (its key, tried as a prefix too, names no save; atkD12 #1)
    const cacheStep = (uses: string) => wf.jobs.merge.steps.find((st: { uses?: string; with?: { path?: string } }) => st.uses?.startsWith(uses) && st.with?.path === 'results').with as { key: string; 'restore-keys'?: string };
    const restore = cacheStep('actions/cache/restore');
    const save = cacheStep('actions/cache/save');
    const saved = save.key.replace(/\$\{\{[^}]*\}\}/g, '7');
    expect(saved.startsWith(restore.key.replace(/\$\{\{[^}]*\}\}/g, '7')), `${restore.key} would restore a save of this run: ${save.key}`).toBe(false);
    expect(saved.startsWith(restore['restore-keys']!)).toBe(true);
    const work = path.join(tmp, 'github');
    await mkdir(work);
    await symlink(shim, path.join(work, 'bin')); // the shard step runs `node bin/fixbench.mjs` from the checkout
    // ${{ }} expressions the fixbench steps may use, as GitHub evaluates them for job `index` of `total`.
    const expr = (s: string, ctx: Record<string, string>) =>
      s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
        if (e in ctx) return ctx[e]!;
        if (e.startsWith('secrets.')) return '';
        throw new Error(`examples test: no value for \${{ ${e} }}`);
      });
    const envOf = (o: { env?: Record<string, unknown> } | undefined, ctx: Record<string, string>) =>
      Object.fromEntries(Object.entries(o?.env ?? {}).map(([k, v]) => [k, expr(String(v), ctx)]));
    const runJob = async (job: { steps: { run?: string; env?: Record<string, unknown> }[]; env?: Record<string, unknown> }, ctx: Record<string, string>, name: string) => {
      const steps = job.steps.filter((s) => mentionsFixbench(s.run));
      expect(steps.length, `job ${name} runs fixbench`).toBeGreaterThan(0);
      let out = '';
      for (const s of steps) out += await sh(expr(s.run!, ctx), { ...envOf(wf, ctx), ...envOf(job, ctx), ...envOf(s, ctx) }, work, `${name}: ${s.run!.slice(0, 60)}`);
      return out;
    };
    // The sandbox gate: the shard job checks bwrap before it runs and runs with --sandbox bwrap.
    const shardSteps = wf.jobs.shard.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    // a cancelled job's SIGINT reaches the step's entry process only: the run step is fixbench itself
    expect(shardSteps).toMatch(/^exec node bin\/fixbench\.mjs run /m);
    expect(shardSteps).toMatch(/fixbench doctor/);
    expect(shardSteps).toMatch(/--sandbox bwrap/);
    expect(shardSteps).toMatch(/apparmor_parser -r \/etc\/apparmor\.d\/bwrap/);
    expect(shardSteps).toContain(apparmorProfile('/usr/bin/bwrap')); // the profile `fixbench doctor` prints
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(apparmorProfile('/usr/bin/bwrap').replace(/^(?=.)/gm, '  ')); // and README's
    const matrix: unknown[] = wf.jobs.shard.strategy.matrix.shard.slice(0, 2); // 2 shards
    let compared = '';
    for (const night of ['1001', '1002']) {
      const base = { 'github.run_id': night, 'github.run_attempt': '1' };
      await Promise.all(
        matrix.map((m, i) =>
          runJob(wf.jobs.shard, { ...base, 'strategy.job-index': String(i), 'strategy.job-total': String(matrix.length), 'matrix.shard': String(m) }, `shard ${i}`),
        ),
      );
      compared = await runJob(wf.jobs.merge, base, 'merge');
    }
    expect(await attempts(path.join(work, 'results', 'nightly-1002-1'))).toBe(2); // gold and noop on one task, both shards
    // GitHub's "re-run failed jobs": attempt 2 of shard 1 finds the shard attempt 1 uploaded (same id) and resumes it
    const before = await attempts(path.join(work, 'shards', 'nightly-1002-s1'));
    const rerun = await runJob(wf.jobs.shard, { 'github.run_id': '1002', 'github.run_attempt': '2', 'strategy.job-index': '0', 'strategy.job-total': String(matrix.length), 'matrix.shard': String(matrix[0]) }, 'shard 0, attempt 2');
    expect(rerun).toMatch(/next: run nightly-1002-s1 was already complete: nothing ran/);
    expect(await attempts(path.join(work, 'shards', 'nightly-1002-s1'))).toBe(before);
    expect(compared).toMatch(/base nightly-1001-1 → head nightly-1002-1\ncontender[\s\S]*gates: none of 2 configured gate\(s\) failed; not evaluable: --max-cost-increase \(no model contender in both runs\)/); // gold and noop have no model cost: the cost gate cannot be checked, and says so
    expect(await readFile(path.join(work, 'site', 'compare.md'), 'utf8')).toMatch(/nightly-1002-1/);
    // the site publishes the trend: every night's report and the index over them, not only the latest night
    expect(await readdir(path.join(work, 'site'))).toEqual(expect.arrayContaining(['index.html', 'nightly-1001-1', 'nightly-1002-1']));
    const index = await readFile(path.join(work, 'site', 'index.html'), 'utf8');
    for (const night of ['nightly-1001-1', 'nightly-1002-1']) expect(index).toContain(night);
    // …and the re-run's merge job: its merged run replaces attempt 1's, so the night is one run, compared with the night before
    const again = await runJob(wf.jobs.merge, { 'github.run_id': '1002', 'github.run_attempt': '2' }, 'merge, attempt 2');
    expect(again).toMatch(/base nightly-1001-1 → head nightly-1002-2\n/);
    expect((await readdir(path.join(work, 'results'))).sort()).toEqual(['nightly-1001-1', 'nightly-1002-2']);
    const reindex = await readFile(path.join(work, 'site', 'index.html'), 'utf8');
    expect(reindex).toContain('nightly-1002-2');
    expect(reindex).not.toMatch(/href="nightly-1002-1\//);
  }, 600_000);
});

describe('GitLab CI: examples/gitlab-ci.yml', () => {
  it('passes GitLab\'s CI schema, and its fixbench scripts run two nights end to end (parallel: 2, merge stage)', async () => {
    const doc = parse(await readFile(path.join(EXAMPLES, 'gitlab-ci.yml'), 'utf8'));
    expect(gitlabCiProblems(doc)).toEqual([]);
    expect(gitlabCiProblems({ ...doc, shard: { ...doc.shard, parallel: 'two' } }).join('\n')).toMatch(/\/shard\/parallel/); // the validator is live
    const work = path.join(tmp, 'gitlab');
    await mkdir(work);
    expect(doc.shard.parallel).toBeGreaterThan(1);
    expect(doc.shard.script.join('\n')).toMatch(/fixbench doctor[\s\S]*--shard auto --sandbox bwrap/);
    // GitLab expands variables inside variables; CI_NODE_INDEX / CI_NODE_TOTAL come from `parallel:`.
    const vars = (job: { variables?: Record<string, string> }, predefined: Record<string, string>) => {
      const all: Record<string, string> = { ...predefined };
      for (const [k, v] of Object.entries({ ...doc.variables, ...job.variables })) all[k] = String(v).replace(/\$\{?(\w+)\}?/g, (m, n: string) => all[n] ?? m);
      return all;
    };
    const runJob = async (job: { script: string[]; variables?: Record<string, string> }, predefined: Record<string, string>, name: string) => {
      expect(job.script.some(mentionsFixbench), `job ${name} runs fixbench`).toBe(true);
      return sh(job.script.join('\n'), vars(job, predefined), work, name);
    };
    let compared = '';
    for (const night of ['501', '502']) {
      const base = { CI_PIPELINE_ID: night, CI_PROJECT_DIR: work };
      await Promise.all([1, 2].map((i) => runJob(doc.shard, { ...base, CI_NODE_INDEX: String(i), CI_NODE_TOTAL: '2' }, `shard ${i}/2`)));
      compared = await runJob(doc.pages, base, 'pages');
    }
    expect(await attempts(path.join(work, 'results', 'nightly-502'))).toBe(2);
    expect(compared).toMatch(/base nightly-501 → head nightly-502\ncontender[\s\S]*gates: none of 2 configured gate\(s\) failed; not evaluable: --max-cost-increase \(no model contender in both runs\)/); // gold and noop have no model cost: the cost gate cannot be checked, and says so
    expect(await readdir(path.join(work, 'public'))).toEqual(expect.arrayContaining(['compare.md', 'index.html', 'nightly-501', 'nightly-502']));
    const index = await readFile(path.join(work, 'public', 'index.html'), 'utf8'); // the site index: the trend over every night
    for (const night of ['nightly-501', 'nightly-502']) expect(index).toContain(night);
  }, 600_000);
});

describe('Kubernetes: examples/kubernetes.yaml', () => {
  it('passes the Kubernetes schema, and its Indexed Job and merge Job run end to end (2 completions, a retried pod resumes)', async () => {
    const text = await readFile(path.join(EXAMPLES, 'kubernetes.yaml'), 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    for (const d of docs) expect(await kubernetesProblems(d), `${d.kind} ${d.metadata?.name}`).toEqual([]);
    const broken = structuredClone(docs.find((d) => d.spec?.completionMode === 'Indexed'));
    broken.spec.completionMode = 'Indexd';
    expect((await kubernetesProblems(broken)).join('\n')).toMatch(/completionMode/); // the validator is live
    type Container = { name: string; command: string[]; env?: { name: string; value?: string }[] };
    type JobDoc = { metadata: { name: string }; spec: { completions?: number; completionMode?: string; template: { spec: { containers: Container[]; initContainers?: Container[] } } } };
    const jobs = docs.filter((d) => d.kind === 'Job') as JobDoc[];
    const shards = jobs.find((j) => j.spec.completionMode === 'Indexed')!;
    const merge = jobs.find((j) => j !== shards)!;
    const completions = shards.spec.completions!;
    const envOf = (c: Container) => Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
    // The count each Job reads must be the Indexed Job's completions.
    expect(envOf(shards.spec.template.spec.containers[0]!).FIXBENCH_SHARD_TOTAL).toBe(String(completions));
    expect(envOf(merge.spec.template.spec.initContainers!.find((c) => c.name === 'wait-for-shards')!).SHARDS).toBe(String(completions));

    const data = path.join(tmp, 'k8s-data');
    await mkdir(data);
    // As the header says: RUN_ID's @NIGHT@ is replaced when applied; the volume is a local folder; 2 completions.
    const run = (c: Container, night: string, extra: Record<string, string>, name: string) => {
      expect(c.command.slice(0, 2)).toEqual(['bash', '-ec']);
      const env = { ...envOf(c), RUN_ID: envOf(c).RUN_ID!.replace('@NIGHT@', night), DATA: data, ...extra };
      return sh(c.command[2]!, env, tmp, name);
    };
    const shardC = shards.spec.template.spec.containers[0]!;
    const wait = merge.spec.template.spec.initContainers!.find((c) => c.name === 'wait-for-shards')!;
    let compared = '';
    for (const night of ['20261204', '20261205']) {
      await Promise.all([0, 1].map((i) => run(shardC, night, { JOB_COMPLETION_INDEX: String(i), FIXBENCH_SHARD_TOTAL: '2' }, `shard index ${i}`)));
      await run(wait, night, { SHARDS: '2' }, 'wait-for-shards');
      for (const c of merge.spec.template.spec.containers) compared = await run(c, night, {}, `merge container ${c.name}`);
    }
    // A retried pod of index 0 resumes its shard (--resume with --shard auto): nothing is run twice.
    const s0 = path.join(data, 'shards', 'nightly-20261205-s0');
    const before = await attempts(s0);
    // The pod it retries was killed (OOM, eviction) in its own pid namespace: its run.lock stays, and
    // fixbench cannot prove that process dead from the new pod. The Job only starts the retry once the
    // failed pod is terminal (podReplacementPolicy: Failed), so the retry removes the lock.
    expect((shards.spec as { podReplacementPolicy?: string }).podReplacementPolicy).toBe('Failed');
    await writeFile(path.join(s0, 'run.lock'), JSON.stringify({ pid: 1, host: os.hostname(), start: '1', pidns: 'pid:[1]', boot: 'another-pod' }));
    const again = await run(shardC, '20261205', { JOB_COMPLETION_INDEX: '0', FIXBENCH_SHARD_TOTAL: '2' }, 'retried shard index 0');
    expect(again).toMatch(/\(resumed\)/);
    expect(await attempts(s0)).toBe(before);
    expect(await attempts(path.join(data, 'results', 'nightly-20261205'))).toBe(2);
    expect(compared).toMatch(/base nightly-20261204 → head nightly-20261205\ncontender[\s\S]*gates: none of 2 configured gate\(s\) failed; not evaluable: --max-cost-increase \(no model contender in both runs\)/); // gold and noop have no model cost: the cost gate cannot be checked, and says so
  }, 600_000);
});
