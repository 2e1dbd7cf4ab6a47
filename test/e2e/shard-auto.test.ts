// --shard auto through the CLI: the engine's variables pick the same attempts as --shard i/n; no or
// malformed variables are refused before any work; --resume of an auto-sharded run keeps its shard.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-shard-auto-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const base = ['run', '--task', 'js-duration-1,js-duration-2', '--no-models', '--concurrency', '4'];
const out = (id: string) => ['--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', id];
const noEngine = { FIXBENCH_SHARD_INDEX: undefined, FIXBENCH_SHARD_TOTAL: undefined, CI_NODE_INDEX: undefined, CI_NODE_TOTAL: undefined, BUILDKITE_PARALLEL_JOB: undefined, BUILDKITE_PARALLEL_JOB_COUNT: undefined, JOB_COMPLETION_INDEX: undefined };
const env = (vars: Record<string, string> = {}) => ({ ...noEngine, FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), ...vars });
const lines = async (id: string) => (await readFile(path.join(tmp, 'results', id, 'attempts.jsonl'), 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const keys = async (id: string) => (await lines(id)).map((a) => a.key).sort();

describe('--shard auto', () => {
  it('GitLab and Buildkite variables run the same attempts as --shard 2/2; resume keeps the shard', async () => {
    const [explicit, gitlab, buildkite] = await Promise.all([
      runCli([...base, '--shard', '2/2', ...out('explicit')], { env: env() }),
      runCli([...base, '--shard', 'auto', ...out('gitlab')], { env: env({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' }) }),
      runCli([...base, '--shard', 'auto', ...out('buildkite')], { env: env({ BUILDKITE_PARALLEL_JOB: '1', BUILDKITE_PARALLEL_JOB_COUNT: '2' }) }),
    ]);
    for (const r of [explicit, gitlab, buildkite]) expect(r.exitCode, r.stderr).toBe(0);
    expect(gitlab.stderr).toMatch(/--shard auto: shard 2\/2 from GitLab CI \(CI_NODE_INDEX=2, CI_NODE_TOTAL=2\)/);
    expect((await keys('explicit')).length).toBeGreaterThan(0);
    expect(await keys('gitlab')).toEqual(await keys('explicit'));
    expect(await keys('buildkite')).toEqual(await keys('explicit'));
    expect(JSON.parse(await readFile(path.join(tmp, 'results', 'gitlab', 'run.json'), 'utf8')).shard).toEqual({ index: 2, count: 2 });

    // A retried job resumes: drop the last record, resume with --shard auto under the same variables.
    const all = await lines('gitlab');
    const file = path.join(tmp, 'results', 'gitlab', 'attempts.jsonl');
    await writeFile(file, all.slice(0, -1).map((a) => JSON.stringify(a) + '\n').join(''));
    const resumed = await runCli([...base.slice(0, 1), '--resume', 'gitlab', '--shard', 'auto', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')], { env: env({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' }) });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/\(resumed\)/);
    expect(await keys('gitlab')).toEqual(all.map((a) => a.key).sort());
    // Under another shard's variables the resume is refused, naming the field and the flag.
    const other = await runCli(['run', '--resume', 'gitlab', '--shard', 'auto', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')], { env: env({ CI_NODE_INDEX: '1', CI_NODE_TOTAL: '2' }) });
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/shard\.index: 2 → 1 \(--shard\)/);
  }, 300_000);

  it('no engine variables, or malformed ones: exit 2 before any work, naming the variables', async () => {
    const none = await runCli([...base, '--shard', 'auto', ...out('none')], { env: env() });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/--shard auto: none of the shard variables it reads is set, so there is no shard to take and nothing was run .*FIXBENCH_SHARD_INDEX and FIXBENCH_SHARD_TOTAL .*CI_NODE_INDEX .*BUILDKITE_PARALLEL_JOB .*JOB_COMPLETION_INDEX/);
    const bad = await runCli([...base, '--shard', 'auto', ...out('bad')], { env: env({ JOB_COMPLETION_INDEX: '3', FIXBENCH_SHARD_TOTAL: '2' }) });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/JOB_COMPLETION_INDEX=3 is outside 0…1 for FIXBENCH_SHARD_TOTAL=2/);
    await expect(readFile(path.join(tmp, 'results', 'none', 'run.json'))).rejects.toThrow();
  });
});
