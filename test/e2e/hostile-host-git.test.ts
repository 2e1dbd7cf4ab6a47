// Must-show of issue 13 (deliverables 1, 2, 8), through the real pipeline: hostile repository
// metadata planted by an agent (the bash agent driven by the fake provider over real HTTP), and
// hostile patch paths in a predictions file, one class each. For every class: a marker file
// outside the workspace stays absent (the planted driver or hook would write it, with the key),
// a host file outside stays intact, and the attempt is graded on its work tree (resolved, since
// the work tree holds the fix).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI, type FakeRequest } from '../helpers/fake-openai.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, HIDDEN_TESTS, tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

const KEY = 'sk-test-hostile-key-0123456789abcdef';
let tmp: string;
let marker: string;
let victim: string;
let keyFile: string;
/** Run on the host, it would leave the marker holding the key (env and key file) and delete the victim. */
let evil: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-hostile-git-'));
  marker = path.join(tmp, 'outside', 'MARKER');
  victim = path.join(tmp, 'outside', 'victim.txt');
  keyFile = path.join(tmp, 'outside', 'key.txt');
  mkdirSync(path.dirname(marker), { recursive: true });
  writeFileSync(victim, 'host file\n');
  writeFileSync(keyFile, `${KEY}\n`);
  evil = `sh -c 'touch ${marker}; echo "$FAKE_PROVIDER_API_KEY" >> ${marker}; cat ${keyFile} >> ${marker}; rm -f ${victim}'; cat`;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function expectHostUntouched(): void {
  expect(existsSync(marker), `a planted driver or hook ran on the host: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`).toBe(false);
  expect(readFileSync(victim, 'utf8')).toBe('host file\n');
}

const readAttempts = async (dir: string): Promise<AttemptRecord[]> =>
  (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));

/** A git config naming every driver, hook path and command git could run, each as `evil`. */
const evilConfig = (): string =>
  `[core]\n\tfsmonitor = ${evil}\n\thooksPath = .git/evil-hooks\n\tsshCommand = ${evil}\n` +
  `[filter "evil"]\n\tclean = ${evil}\n\tsmudge = ${evil}\n\trequired = true\n` +
  `[diff "evil"]\n\ttextconv = ${evil}\n[diff]\n\texternal = ${evil}\n[merge "evil"]\n\tdriver = ${evil}\n`;

/** Shell lines writing `text` to `file` (a quoted heredoc: nothing expands). */
const put = (file: string, text: string): string => `mkdir -p "$(dirname '${file}')" && cat > '${file}' <<'FIXBENCH_EOF'\n${text}FIXBENCH_EOF`;
const FIX = `sed -i 's/a - b/a + b/' src/add.js`;
const hooks = (dir: string): string =>
  ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'post-merge', 'fsmonitor-watchman']
    .map((h) => `${put(`${dir}/${h}`, `#!/bin/sh\n${evil}\n`)} && chmod +x '${dir}/${h}'`)
    .join('\n');

/** What the hostile agent runs, per class: plant the class's metadata, and fix the bug. */
const CLASSES: Record<string, () => string> = {
  // commondir sends git to a foreign git directory (inside the workspace: all a sandboxed agent can
  // write) whose config defines a filter driver that the tree's .gitattributes names.
  commondir: () => [FIX, put('.evil-common/config', evilConfig()), `echo ../.evil-common > .git/commondir`, put('.gitattributes', '* filter=evil diff=evil merge=evil\n')].join('\n'),
  hooks: () => [FIX, hooks('.git/hooks'), hooks('.git/evil-hooks'), put('.git/config', evilConfig())].join('\n'),
  alternates: () =>
    [FIX, 'mkdir -p .evil-objects && cp -r .git/objects/. .evil-objects/', 'rm -rf .git/objects && mkdir -p .git/objects/info', 'echo "$PWD/.evil-objects" > .git/objects/info/alternates', put('.git/config', evilConfig())].join('\n'),
  attributes: () => [FIX, put('.git/config', evilConfig()), put('.git/info/attributes', '* filter=evil diff=evil\n'), put('.gitattributes', '* filter=evil diff=evil\n[attr]evil filter=evil\nsrc/* evil\n')].join('\n'),
  'git-deleted': () => [FIX, 'rm -rf .git'].join('\n'),
  'git-replaced-by-file': () => [FIX, put('.evil-git/config', evilConfig()), 'rm -rf .git', 'echo "gitdir: $PWD/.evil-git" > .git'].join('\n'),
};

describe('hostile repository metadata planted by an agent (fixbench run, bash agent, fake provider)', () => {
  let server: FakeOpenAI;
  let repo: GitRepo;
  afterAll(async () => {
    await server?.close();
    repo?.cleanup();
  });

  it('runs nothing it names on the host, and grades every attempt on its work tree', async () => {
    repo = tinyRepo();
    const tasks = path.join(tmp, 'tasks');
    for (const cls of Object.keys(CLASSES)) {
      writeTinyTask(tasks, repo, `hostile-${cls}`);
      await writeFile(path.join(tasks, `hostile-${cls}`, 'problem_statement.md'), `CLASS=${cls}\nadd(2, 3) gives -1; it should give 5.\n`);
    }
    // The reply depends on the task (named in the first user message) and on how many turns the model had.
    server = await startFakeOpenAI((req: FakeRequest) => {
      const messages = req.body.messages as { role: string; content: unknown }[];
      const cls = /CLASS=([\w-]+)/.exec(JSON.stringify(messages))?.[1] ?? '';
      const turn = messages.filter((m) => m.role === 'assistant').length;
      return toolCall('bash', { command: turn === 0 ? CLASSES[cls]!() : 'echo FIXBENCH_SUBMIT' });
    });
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(modelsFile, `models:\n  - id: hostile-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
    const prices = path.join(tmp, '2026-04-01.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  hostile-coder: { input: "1.00", output: "1.00" }\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(
      ['run', '--tasks', tasks, '--no-reference', '--models-file', modelsFile, '--prices', prices, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'agent-run', '--sandbox', 'local'],
      { env: { FAKE_PROVIDER_API_KEY: KEY } },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const attempts = await readAttempts(path.join(results, 'agent-run'));
    expect(attempts).toHaveLength(Object.keys(CLASSES).length);
    for (const a of attempts) {
      expect([a.instance_id, a.outcome, a.exit_status, a.error], JSON.stringify(a.model_patch)).toEqual([a.instance_id, 'resolved', 'submitted', null]);
      expect(a.model_patch).toContain('+exports.add = (a, b) => a + b;');
      expect(a.model_patch).not.toMatch(/^diff --git a\/\.git\//m);
    }
    expectHostUntouched();
    const written = JSON.stringify(attempts) + (await readFile(path.join(results, 'agent-run', 'run.json'), 'utf8'));
    expect(written).not.toContain(KEY);
  }, 240_000);
});

// A repository where each application strategy is the first to apply its own prediction.
const V1 = '// add.js: sums two numbers\n//\n// version 1\n//\n//\nexports.add = (a, b) => a - b;\nexports.sub = (a, b) => a - b;\n';
const V2 = V1.replace('version 1', 'version 2');
const lines = (...l: string[]): string => l.join('\n') + '\n';

describe('hostile paths in a predictions file (fixbench eval --predictions), under every application strategy', () => {
  it('drops and counts entries into .git, out of the workspace or through an outside symlink; applies the fix; runs nothing', async () => {
    const repo = gitRepo({ ...BASE_FILES, 'src/add.js': V1 }, [{ 'src/add.js': V2 }]);
    try {
      const tasks = path.join(tmp, 'pred-tasks');
      const test = patchFor(repo, HIDDEN_TESTS);
      const fixed = (v: string) => v.replace('a - b;\nexports.sub', 'a + b;\nexports.sub');
      const hunkBody = [' //', ' //', '-exports.add = (a, b) => a - b;', '+exports.add = (a, b) => a + b;', ' exports.sub = (a, b) => a - b;'];
      const fixes: Record<string, string> = {
        'git apply': lines('diff --git a/src/add.js b/src/add.js', '--- a/src/add.js', '+++ b/src/add.js', '@@ -3,5 +3,5 @@', ' // version 2', ...hunkBody),
        // Made against version 1 (with its blob ids): the context moved, a 3-way merge applies it.
        'git apply --3way': patchFor(repo, { 'src/add.js': fixed(V1) }),
        // The @@ counts are wrong (LLM-style), the lines right.
        'git apply --recount': lines('--- a/src/add.js', '+++ b/src/add.js', '@@ -3,2 +3,2 @@', ' // version 2', ...hunkBody),
        // A context line misremembered and no blob ids: only fuzz applies it.
        'patch --fuzz': lines('--- a/src/add.js', '+++ b/src/add.js', '@@ -3,5 +3,5 @@', ' // version 2 (as remembered)', ...hunkBody),
      };
      const unsafe =
        lines('diff --git a/.git/config b/.git/config', '--- a/.git/config', '+++ b/.git/config', '@@ -1 +1,2 @@', ' [core]', `+\tfsmonitor = ${evil}`) +
        lines('diff --git a/.GIT/hooks/post-checkout b/.GIT/hooks/post-checkout', 'new file mode 100755', '--- /dev/null', '+++ b/.GIT/hooks/post-checkout', '@@ -0,0 +1,2 @@', '+#!/bin/sh', `+${evil}`) +
        lines('--- /dev/null', '+++ b/../../escaped.txt', '@@ -0,0 +1 @@', '+written outside') +
        lines('diff --git a/outside b/outside', 'new file mode 120000', '--- /dev/null', '+++ b/outside', '@@ -0,0 +1 @@', `+${path.dirname(marker)}`, '\\ No newline at end of file') +
        // Kept (a plain file in the tree): it names the driver the .git/config entry would have defined.
        lines('diff --git a/.gitattributes b/.gitattributes', 'new file mode 100644', '--- /dev/null', '+++ b/.gitattributes', '@@ -0,0 +1 @@', '+* filter=evil diff=evil');
      const preds: object[] = [];
      for (const [i, fix] of Object.values(fixes).entries()) {
        const id = `strategy-${i}`;
        writeTinyTask(tasks, repo, id, { yaml: { base_commit: repo.commits[1] }, test, gold: fixes['git apply']! });
        preds.push({ instance_id: id, model_name_or_path: 'hostile-agent', model_patch: unsafe + fix });
      }
      const file = path.join(tmp, 'hostile-preds.jsonl');
      await writeFile(file, preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
      const results = path.join(tmp, 'pred-results');
      const r = await runCli(['eval', '--predictions', file, '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'pred-reports'), '--run-id', 'hostile-preds', '--sandbox', 'local']);
      expect(r.exitCode, r.stderr).toBe(0);
      const attempts = await readAttempts(path.join(results, 'hostile-preds'));
      const got = attempts.map((a) => [a.instance_id, a.outcome, a.apply_strategy, a.unsafe_entries_dropped]).sort();
      expect(got).toEqual(Object.keys(fixes).map((s, i) => [`strategy-${i}`, 'resolved', s, 4]));
      for (const a of attempts) {
        const log = await readFile(path.join(results, 'hostile-preds', 'logs', a.contender, a.instance_id, '0', 'apply_log.txt'), 'utf8');
        expect(log).toMatch(/unsafe entry: dropped the change to "\.git\/config"/);
        expect(log).toMatch(/unsafe entry: dropped the change to "\.GIT\/hooks\/post-checkout"/);
        expect(log).toMatch(/unsafe entry: dropped the change to "\.\.\/\.\.\/escaped\.txt"/);
        expect(log).toMatch(/unsafe entry: dropped the change to "outside": a symlink/);
      }
      expect(existsSync(path.join(tmp, 'escaped.txt'))).toBe(false);
      expectHostUntouched();
    } finally {
      repo.cleanup();
    }
  }, 240_000);
});
