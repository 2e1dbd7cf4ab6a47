// The test run cannot rewrite its own evidence (round 10's atk-repro/9 and /6), through the real
// pipeline (`fixbench eval --predictions`) on bundled node:test tasks:
// - a source-only wrong patch whose module, loaded by an earlier test file, rewrites the test file
//   node --test runs next (`return;` atop the FAIL_TO_PASS tests): `tampered` on the local sandbox
//   (the locked files' hashes moved), and not `resolved` on bwrap (the file is bound read-only);
// - a patch adding only `a_test.cjs` (a test file by node --test's own discovery) doing the same:
//   dropped before grading and counted in `protected_files_edited`.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

const PATCHES = fileURLToPath(new URL('../fixtures/hostile/_locked/', import.meta.url));
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-locked-e2e-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Grades `patch` (a file of PATCHES) on bundled task `id` in `sandbox`; the one attempt record. */
async function grade(id: string, patch: string, sandbox: 'local' | 'bwrap', runId: string) {
  const preds = path.join(tmp, `${runId}.jsonl`);
  await writeFile(preds, `${JSON.stringify({ instance_id: id, model_name_or_path: runId, model_patch: readFileSync(path.join(PATCHES, patch), 'utf8') })}\n`);
  const r = await runCli(['eval', '--predictions', preds, '--task', id, '--sandbox', sandbox, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', runId, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = (await readFile(path.join(tmp, 'results', runId, 'attempts.jsonl'), 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(1);
  return AttemptRecord.parse(JSON.parse(lines[0]!));
}

describe('test files are locked during the graded run', () => {
  it('local: the code under test rewriting a later test file is tampered (hashes before and after the run)', async () => {
    const a = await grade('js-duration-2', 'rewrite-f2p.patch', 'local', 'rewrite-local');
    expect(a.outcome).toBe('tampered');
    expect(a.error?.message).toMatch(/the test run changed 1 locked file\(s\) .*: test\/format\.test\.js$/);
  });

  it.runIf(bwrapUsable)('bwrap: the rewrite fails (the test file is bound read-only) and the bug stays unresolved', async () => {
    const a = await grade('js-duration-2', 'rewrite-f2p.patch', 'bwrap', 'rewrite-bwrap');
    expect(a.outcome).toBe('unresolved');
    expect(a.tests_status?.FAIL_TO_PASS.failure.length).toBe(4);
  });

  it('a file node --test discovers by itself (a_test.cjs) is a protected test file: dropped and counted', async () => {
    const a = await grade('js-ini-1', 'node-test-discovery.patch', 'local', 'discovery');
    expect(a.outcome).toBe('empty_patch');
    expect(a.protected_files_edited).toEqual(['a_test.cjs']);
    expect(a.test_files_edited).toEqual(['a_test.cjs']);
  });
});
