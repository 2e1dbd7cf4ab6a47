// One private HOME and TMPDIR per attempt (issue 13.4), through the real CLI: an external agent
// (an inline bash "CLI") runs twice in one run; the first leaves a marker in HOME and TMPDIR and a
// poisoned ~/.npmrc. The second attempt must see none of them, and neither may the setup of the
// second attempt or of grading — the task's setup fails loudly when it sees the poisoned file.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { chatCompletion, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';
import type { GitRepo } from '../helpers/git-repo.ts';
import type { AttemptRecord } from '../../src/store/records.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

let tmp: string;
let upstream: FakeUpstream | undefined;
let repo: GitRepo | undefined;
afterEach(async () => {
  await upstream?.close();
  repo?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

// The setup refuses to run when it sees the agent's ~/.npmrc (as `npm ci` would obey it).
const SETUP = `if grep -qs poisoned "$HOME/.npmrc"; then echo "setup saw an agent's ~/.npmrc" >&2; exit 3; fi; echo ok > .setup-ran`;
// The agent: reports what an earlier attempt left (into its patch), then leaves its own traces.
const AGENT = [
  'for f in "$HOME/marker" "$TMPDIR/marker"; do if [ -e "$f" ]; then echo "saw $f" >> seen.txt; fi; done',
  'printf "%s\\n" "$HOME" > home.txt',
  'echo attempt > "$HOME/marker"; echo attempt > "$TMPDIR/marker"',
  'echo "registry=http://poisoned.invalid/" > "$HOME/.npmrc"',
  // One model call through the proxy: an agent that never consults the model is an infra error (issue 20.4).
  `node -e 'fetch(process.env.OPENAI_BASE_URL + "/chat/completions", { method: "POST", headers: { authorization: "Bearer " + process.env.OPENAI_API_KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) }).then((r) => { if (!r.ok) process.exit(1); })'`,
].join('; ');

describe.each(['local', ...(bwrapUsable ? ['bwrap'] : [])])('attempt isolation under --sandbox %s', (sandbox) => {
  it('gives each attempt its own HOME and TMPDIR; nothing reaches the next attempt, its setup or grading', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-iso-'));
    upstream = await startFakeUpstream([0, 1].map(() => ({ json: chatCompletion('ok', { prompt_tokens: 10, completion_tokens: 1 }) })));
    repo = tinyRepo();
    const tasks = path.join(tmp, 'tasks');
    writeTinyTask(tasks, repo, 'iso-1', { yaml: { setup: SETUP } });
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(
      modelsFile,
      `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${upstream.openaiBaseURL}\n    api_key_env: FAKE_UPSTREAM_KEY\n    model: fake/coder-2\n    vendor: Fake Labs\n    region: US\n` +
        `agents:\n  - id: probe\n    command: ${JSON.stringify(AGENT)}\n`,
    );
    const prices = path.join(tmp, '2026-04-01.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(
      ['run', '--tasks', tasks, '--task', 'iso-1', '--no-reference', '--agents', 'probe', '--models-file', modelsFile, '--prices', prices,
        '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'iso', '--sandbox', sandbox, '--attempts', '2', '--concurrency', '1', '--no-env-cache'],
      { env: { FAKE_UPSTREAM_KEY: 'sk-fake-isolation-key-0123456789' } },
    );
    const recs = (await readFile(path.join(results, 'iso', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AttemptRecord);
    expect(recs, r.stderr).toHaveLength(2);
    const homes = recs.map((rec) => /\+(\/.*)\n/.exec(rec.model_patch.slice(rec.model_patch.indexOf('home.txt')))?.[1]);
    for (const rec of recs) {
      // Setup of both attempts and of grading ran (an infra error would say "setup saw …").
      expect(rec.outcome, `${rec.error}\n${r.stderr}`).toBe('unresolved');
      expect(rec.exit_status).toBe('submitted');
      expect(rec.calls).toBe(1);
      expect(rec.model_patch).toContain('home.txt');
      expect(rec.model_patch).not.toContain('seen.txt');
    }
    // Two different HOMEs, both gone after the run; neither is the sandbox's (setup's) HOME.
    expect(homes[0]).toMatch(/fixbench-attempt-/);
    expect(homes[1]).toMatch(/fixbench-attempt-/);
    expect(homes[0]).not.toBe(homes[1]);
    for (const h of homes) expect(existsSync(h!)).toBe(false);
  }, 180_000);
});
