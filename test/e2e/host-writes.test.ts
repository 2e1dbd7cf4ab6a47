// The host never writes through, or copies along, a link untrusted code left (DESIGN.md §11), and no
// task's setup reaches another's, through the real pipeline (`fixbench run --sandbox bwrap`, the
// command agent behind its metering proxy):
// - F1: a setup links `.git/fixbench/problem_statement.md` (where the problem statement used to be
//   written) and other names to a host file; the agent still reads the problem statement, from the
//   attempt's private folder (read-only); the host file stays intact;
// - F2: a later base commit tracks `lib -> <host folder>`; the environment cache entry of the first
//   commit (holding `lib/pwned.sh`) is never restored through it;
// - F3: one task's setup writes `$HOME/.npmrc`; the next setup sees a fresh HOME; a second tasks
//   folder with the same repository and setup does not read the first folder's cache entries.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletion, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, writeTinyTask } from '../helpers/tiny-task.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

const KEY = 'sk-test-host-writes-0123456789abcdef';
let tmp: string;
let modelsFile: string;
let upstream: FakeUpstream | undefined;
let prices: string;
let cache: string;
const repos: GitRepo[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-host-writes-'));
  cache = path.join(tmp, 'cache');
  modelsFile = path.join(tmp, 'models.yaml');
  upstream = await startFakeUpstream(Array.from({ length: 8 }, () => ({ json: chatCompletion('ok', { prompt_tokens: 10, completion_tokens: 1 }) })));
  // The agent consults the model once (an agent that never does is an infra error), copies the
  // problem statement into the workspace (so it shows in the patch) and tries to overwrite it.
  const ask = `node -e 'fetch(process.env.OPENAI_BASE_URL + "/chat/completions", { method: "POST", headers: { authorization: "Bearer " + process.env.OPENAI_API_KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) }).then((r) => { if (!r.ok) process.exit(1); })'`;
  await writeFile(
    modelsFile,
    `models:\n  - id: fake\n    provider: fake\n    api: openai-chat\n    base_url: ${upstream.openaiBaseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n` +
      '    model: fake-model\n    vendor: X\n    region: US\nagents:\n  - id: peek\n' +
      `    command: ${JSON.stringify(`${ask}; cat "$FIXBENCH_PROBLEM_FILE" > seen.txt; (echo x >> "$FIXBENCH_PROBLEM_FILE") 2>/dev/null && echo writable >> seen.txt || echo refused >> seen.txt`)}\n`,
  );
  prices = path.join(tmp, '2026-01-01.yaml');
  await writeFile(prices, 'as_of: "2026-01-01"\nsource: test sheet\nmodels:\n  fake: { input: "1.00", output: "1.00" }\n');
});
afterAll(async () => {
  await upstream?.close();
  for (const r of repos) r.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

async function run(tasks: string, id: string, extra: string[] = []): Promise<Map<string, AttemptRecord>> {
  const results = path.join(tmp, 'results');
  const r = await runCli(
    ['run', '--tasks', tasks, '--models-file', modelsFile, '--prices', prices, '--models', 'fake', '--agents', 'peek', '--no-reference', '--concurrency', '1',
      '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', id, '--cache-dir', cache, '--sandbox', 'bwrap', ...extra],
    { env: { FAKE_PROVIDER_API_KEY: KEY } },
  );
  const file = path.join(results, id, 'attempts.jsonl');
  expect(existsSync(file), r.stderr).toBe(true);
  const rows = (await readFile(file, 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
  return new Map(rows.map((a) => [a.instance_id, a]));
}

describe.runIf(bwrapUsable)('host writes after untrusted code ran (fixbench run --sandbox bwrap)', () => {
  it('F1 + F3: never writes the problem statement through a planted link; each setup gets a fresh HOME; cache entries are per tasks folder', async () => {
    const repo = gitRepo(BASE_FILES);
    repos.push(repo);
    const victim = path.join(tmp, 'victim', 'target.sh');
    mkdirSync(path.dirname(victim), { recursive: true });
    writeFileSync(victim, 'original\n');
    const tasks = path.join(tmp, 'tasks');
    writeTinyTask(tasks, repo, 'a-link', {
      yaml: { setup: `mkdir -p .git/fixbench && ln -sfn ${victim} .git/fixbench/problem_statement.md && ln -sfn ${victim} problem_statement.md` },
    });
    writeTinyTask(tasks, repo, 'b-poison', { yaml: { setup: 'printf "omit=dev\\n" > "$HOME/.npmrc"; mkdir -p "$HOME/.npm" && echo poison > "$HOME/.npm/entry"' } });
    const CHECK = 'if [ -e "$HOME/.npmrc" ] || [ -e "$HOME/.npm/entry" ]; then exit 7; fi; echo built > built.txt';
    writeTinyTask(tasks, repo, 'c-check', { yaml: { setup: CHECK } });
    const first = await run(tasks, 'f1-f3');
    expect(readFileSync(victim, 'utf8')).toBe('original\n');
    const linked = first.get('a-link')!;
    expect(linked.exit_status).not.toBe('env_error');
    expect(linked.model_patch).toContain('+add(2, 3) gives -1; it should give 5.');
    expect(linked.model_patch).toContain('+refused');
    const check = first.get('c-check')!;
    expect([check.exit_status, check.env_cache], String(check.error?.message)).toEqual(['submitted', 'miss']);

    // Same repository, commit and setup from another tasks folder: its own namespace (a miss), while
    // the first folder hits its entry.
    const other = path.join(tmp, 'other-tasks');
    writeTinyTask(other, repo, 'c-check', { yaml: { setup: CHECK } });
    expect((await run(other, 'other-folder')).get('c-check')!.env_cache).toBe('miss');
    expect((await run(tasks, 'same-folder', ['--task', 'c-check'])).get('c-check')!.env_cache).toBe('hit');
  }, 240_000);

  it('F2: never restores a cached setup output through a tracked symlink of a later base commit', async () => {
    const outside = path.join(tmp, 'host-folder');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'pwned.sh'), 'original victim\n');
    const repo = gitRepo({ ...BASE_FILES, 'lib/keep.txt': 'k\n' });
    repos.push(repo);
    await execa('sh', ['-c', `git rm -rq lib && ln -s ${outside} lib && git add lib && git -c user.name=t -c user.email=t@t commit -qm link`], { cwd: repo.dir });
    const linkedCommit = (await execa('git', ['rev-parse', 'HEAD'], { cwd: repo.dir })).stdout.trim();
    const tasks = path.join(tmp, 'f2-tasks');
    const setup = 'mkdir -p lib && printf "echo PWNED\\n" > lib/pwned.sh';
    writeTinyTask(tasks, repo, 'a-first', { yaml: { setup } });
    writeTinyTask(tasks, repo, 'b-second', { yaml: { setup, base_commit: linkedCommit } });
    const got = await run(tasks, 'f2');
    expect(got.get('a-first')!.env_cache).toBe('miss');
    expect(got.get('b-second')!.env_cache).not.toBe('hit');
    expect(readFileSync(path.join(outside, 'pwned.sh'), 'utf8')).toBe('original victim\n');
    expect(await readdir(outside)).toEqual(['pwned.sh']);
  }, 240_000);
});
