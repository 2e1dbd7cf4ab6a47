// The whole pipeline through the real CLI: the built-in `bash` agent, driven by a fake
// OpenAI-compatible server on 127.0.0.1 (real HTTP through the real `openai` SDK), fixes a bundled
// task; the attempt record's tokens and USD match values computed by hand.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { execa } from 'execa';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI, type FakeReply } from '../helpers/fake-openai.ts';
import type { AttemptRecord } from '../../src/store/records.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

const TASK = 'js-duration-1';
const taskDir = path.join(ROOT, 'tasks', TASK);
let gold: string;
let testPatch: string;
let task: { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] };

/** Files named by a unified diff's `diff --git a/X b/X` headers. */
const filesOf = (patch: string): string[] => [...patch.matchAll(/^diff --git a\/(\S+) b\//gm)].map((m) => m[1]!);

// Scripted usage per reply, OpenAI shape: prompt_tokens includes cached_tokens, completion_tokens
// includes reasoning_tokens.
const USAGE = [
  { prompt_tokens: 1200, completion_tokens: 80, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 30 } },
  { prompt_tokens: 2500, completion_tokens: 400, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 100 } },
  { prompt_tokens: 3100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 2048 }, completion_tokens_details: { reasoning_tokens: 0 } },
];
// Price sheet row (USD per million tokens): input 2.00, output 8.00, cache_read 0.50.
// input_uncached = (1200-0) + (2500-1024) + (3100-2048) = 1200 + 1476 + 1052 = 3728
// cache_read     = 0 + 1024 + 2048 = 3072
// output         = 80 + 400 + 20 = 500 (reasoning 30 + 100 + 0 = 130 is inside it)
// USD = (3728·2.00 + 3072·0.50 + 500·8.00) / 1e6 = (7456 + 1536 + 4000) / 1e6 = 0.012992
const EXPECTED_USAGE = { input_uncached: 3728, cache_read: 3072, cache_write_5m: 0, cache_write_1h: 0, output: 500, reasoning: 130 };
const EXPECTED_USD = 0.012992;

let tmp: string;
let server: FakeOpenAI | undefined;

beforeAll(async () => {
  gold = await readFile(path.join(taskDir, 'gold.patch'), 'utf8');
  testPatch = await readFile(path.join(taskDir, 'test.patch'), 'utf8');
  task = parseYaml(await readFile(path.join(taskDir, 'task.yaml'), 'utf8'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(tmp, { recursive: true, force: true });
});

/** Runs `fixbench run` on TASK with one fake model replying `script`; returns the attempt record. */
async function runWithScript(script: FakeReply[], extraArgs: string[] = []): Promise<{ record: AttemptRecord; stdout: string; stderr: string; exitCode: number; resultsDir: string }> {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-int-'));
  server = await startFakeOpenAI(script);
  const modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(
    modelsFile,
    `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`,
  );
  const prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00", cache_read: "0.50" }\n');
  const resultsDir = path.join(tmp, 'results');
  const r = await runCli(
    ['run', '--task', TASK, '--no-reference', '--models-file', modelsFile, '--prices', prices, '--results', resultsDir, '--reports', path.join(tmp, 'reports'), '--run-id', 'int-run', ...extraArgs],
    { env: { FAKE_PROVIDER_API_KEY: 'sk-test-secret-value-0123456789' } },
  );
  const lines = (await readFile(path.join(resultsDir, 'int-run', 'attempts.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  expect(lines, `stderr: ${r.stderr}`).toHaveLength(1);
  return { record: JSON.parse(lines[0]!) as AttemptRecord, ...r, resultsDir };
}

const bash = (command: string, usage: Record<string, unknown>): FakeReply => toolCall('bash', { command }, { usage });
const applyViaHeredoc = (patch: string) => `git apply - <<'FIXBENCH_PATCH_EOF'\n${patch}FIXBENCH_PATCH_EOF`;

describe('bash agent against a fake OpenAI-compatible server, end to end', () => {
  it('resolves a bundled task; tokens and USD equal the hand-computed values', async () => {
    const src = filesOf(gold)[0]!;
    const { record, stdout, exitCode, resultsDir } = await runWithScript([
      bash(`ls && cat ${src}`, USAGE[0]!),
      bash(applyViaHeredoc(gold), USAGE[1]!),
      bash('echo FIXBENCH_SUBMIT', USAGE[2]!),
    ]);
    expect(exitCode).toBe(0);
    expect(record.outcome).toBe('resolved');
    expect(record.exit_status).toBe('submitted');
    expect(record.contender).toBe('fake-coder');
    expect(record.agent).toBe('bash');
    expect(record.calls).toBe(3);
    expect(record.steps).toBe(3);
    expect(record.usage).toEqual(EXPECTED_USAGE);
    expect(record.list_usd).toBeCloseTo(EXPECTED_USD, 12);
    expect(record.billed_usd).toBeNull();
    expect(record.tests_status!.FAIL_TO_PASS.success.sort()).toEqual([...task.FAIL_TO_PASS].sort());
    expect(record.tests_status!.PASS_TO_PASS.failure).toEqual([]);
    expect(record.visible_check).toBe(true);
    expect(record.model_patch).toContain(`+++ b/${src}`);
    // The model saw the issue, never the hidden tests or the fix.
    const firstRequest = JSON.stringify(server!.requests[0]!.body);
    const problem = await readFile(path.join(taskDir, 'problem_statement.md'), 'utf8');
    expect(firstRequest).toContain(JSON.stringify(problem.trim()).slice(1, 60));
    for (const f of filesOf(testPatch)) expect(firstRequest).not.toContain(f.split('/').pop()!.replace(/\.[jt]s$/, '') + '.hidden');
    expect(server!.requests[0]!.headers.authorization).toBe('Bearer sk-test-secret-value-0123456789');
    // The report path is printed; the key appears in no result file or report.
    expect(stdout).toMatch(/report: .*int-run\/index\.html/);
    const all = await readFile(path.join(resultsDir, 'int-run', 'attempts.jsonl'), 'utf8') + (await readFile(path.join(resultsDir, 'int-run', 'run.json'), 'utf8'));
    expect(all).not.toContain('sk-test-secret-value');
    const html = await readFile(path.join(tmp, 'reports', 'int-run', 'index.html'), 'utf8');
    expect(html).not.toContain('sk-test-secret-value');
    expect(html).toContain('fake-coder');
  });

  it('counts the binary files the agent created, left out of its patch, in binary_files_dropped', async () => {
    const { record } = await runWithScript([
      bash(`printf 'GIF89a\\000\\001\\002' > logo.gif && printf '\\000\\377' > data.bin && ${applyViaHeredoc(gold)}`, USAGE[0]!),
      bash('echo FIXBENCH_SUBMIT', USAGE[2]!),
    ]);
    expect(record.outcome).toBe('resolved');
    expect(record.binary_files_dropped).toBe(2);
    expect(record.model_patch).not.toMatch(/logo\.gif|data\.bin/);
  });

  it('records a wrong fix as unresolved, with the failing FAIL_TO_PASS ids', async () => {
    const src = filesOf(gold)[0]!;
    const { record } = await runWithScript([
      bash(`echo '// looked at it' >> ${src}`, USAGE[0]!),
      bash('echo FIXBENCH_SUBMIT', USAGE[2]!),
    ]);
    expect(record.outcome).toBe('unresolved');
    expect(record.exit_status).toBe('submitted');
    expect(record.tests_status!.FAIL_TO_PASS.failure.sort()).toEqual([...task.FAIL_TO_PASS].sort());
    expect(record.tests_status!.FAIL_TO_PASS.success).toEqual([]);
    expect(record.model_patch).toContain('// looked at it');
  });

  it('grades with the hidden tests when the agent also edits a test file', async () => {
    const src = filesOf(gold)[0]!;
    const testFile = filesOf(testPatch)[0]!;
    // A wrong fix, plus the test file replaced with one that always passes.
    const { record } = await runWithScript([
      bash(`echo '// looked at it' >> ${src} && mkdir -p $(dirname ${testFile}) && printf '%s\\n' "// all good" > ${testFile}`, USAGE[0]!),
      bash('echo FIXBENCH_SUBMIT', USAGE[2]!),
    ]);
    expect(record.model_patch).toContain(testFile);
    expect(record.test_files_edited).toContain(testFile);
    expect(record.outcome).toBe('unresolved');
    expect(record.tests_status!.FAIL_TO_PASS.failure.sort()).toEqual([...task.FAIL_TO_PASS].sort());
  });

  it('a command the model cannot run (NUL byte, over 127 KiB) is its failed step, never an infra_error', async () => {
    const big = ': ' + 'a'.repeat(140_000);
    const { record } = await runWithScript([bash('echo hi\u0000', USAGE[0]!), bash(big, USAGE[1]!), bash('echo FIXBENCH_SUBMIT', USAGE[2]!)]);
    expect(record.exit_status).toBe('submitted');
    expect(record.outcome).toBe('empty_patch'); // graded: it counts in every rate's denominator
    expect(record.steps).toBe(3);
    const shown = (n: number) => JSON.stringify(server!.requests[n]!.body.messages.at(-1));
    expect(shown(1)).toMatch(/returncode>126<.*command refused, not run: it contains a NUL byte/);
    expect(shown(2)).toMatch(/returncode>126<.*command refused, not run: it is 140002 bytes/);
  });

  const hunt = "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done | grep '^FAKE_PROVIDER_API_KEY=' | sort -u";

  it.runIf(bwrapUsable)('under bwrap, a command hunting through /proc finds no API key at all', async () => {
    const { record } = await runWithScript([bash(hunt, USAGE[0]!), bash('echo FIXBENCH_SUBMIT', USAGE[2]!)], ['--sandbox', 'bwrap']);
    expect(record.exit_status).toBe('submitted');
    const shown = JSON.stringify(server!.requests[1]!.body.messages.at(-1));
    expect(shown).toContain('<output>\\n\\n</output>');
    expect(shown).not.toContain('FAKE_PROVIDER_API_KEY');
  });

  it('never lets the API key reach the model, the trajectory or the store, even when a command finds it', async () => {
    // In local mode a command can read fixbench's own environment through /proc: the key is redacted
    // from the output before the model sees it, and from everything written.
    const { record, resultsDir } = await runWithScript([bash(hunt, USAGE[0]!), bash('echo FIXBENCH_SUBMIT', USAGE[2]!)], ['--sandbox', 'local']);
    expect(record.exit_status).toBe('submitted');
    const shown = JSON.stringify(server!.requests[1]!.body.messages.at(-1));
    expect(shown).toContain('FAKE_PROVIDER_API_KEY=[REDACTED]'); // the command did find it…
    expect(shown).not.toContain('sk-test-secret-value'); // …but the model never saw it
    const trajectory = await readFile(path.join(resultsDir, 'int-run', 'trajectories', 'fake-coder', TASK, '0.json'), 'utf8');
    expect(trajectory).toContain('FAKE_PROVIDER_API_KEY=[REDACTED]');
    expect(trajectory).not.toContain('sk-test-secret-value');
    // grep exits 1 when no file under the run's folders holds the key
    const grep = await execa('grep', ['-rl', 'sk-test-secret-value', tmp], { reject: false });
    expect(grep.exitCode, grep.stdout).toBe(1);
  });
});

