// A listed host whose tests read their own title (atkA20 #3), through the real pipeline (`fixbench eval
// --predictions --sandbox bwrap`): js-duration-1 on a base commit that adds test/named.test.js, whose
// two node:test tests look their input up by `inputs[t.name]` and are PASS_TO_PASS (test.patch leaves
// the file alone). A canary copy runs under another title, so copying those tests made the honest gold
// `tampered`; such tests are never copied now (the file gets the synthetic pair), and gold resolves.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_ONLY } from '../../src/evaluation/canary-host.ts';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { copyDurationTask, DURATION_TASK as TASK } from '../helpers/duration-task.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

const NAMED = `'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parse } = require('..');

// inputs keyed by the test's own title
const inputs = { 'parses one second': '1s', 'parses two minutes': '2m' };

describe('named inputs', () => {
  it('parses one second', (t) => {
    assert.equal(parse(inputs[t.name]), 1000);
  });
  it('parses two minutes', (t) => {
    assert.equal(parse(inputs[t.name]), 120000);
  });
});
`;

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  if (!bwrapUsable) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-own-name-'));
  const { tasks, work, git } = copyDurationTask(tmp);
  writeFileSync(path.join(work, 'test', 'named.test.js'), NAMED);
  git('add', '--all');
  git('commit', '--quiet', '-m', 'named inputs');
  const base = git('rev-parse', 'HEAD').trim();
  git('branch', '--quiet', '-f', 'main', base);
  git('bundle', 'create', '--quiet', path.join(tasks, 'repos', 'js-duration.bundle'), 'main');
  const yaml = path.join(tasks, TASK, 'task.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^base_commit: .*$/m, `base_commit: ${base}`).replace(/^PASS_TO_PASS:$/m, 'PASS_TO_PASS:\n  - named inputs > parses one second\n  - named inputs > parses two minutes'));
  const preds = path.join(tmp, 'preds.jsonl');
  writeFileSync(preds, `${JSON.stringify({ instance_id: TASK, model_name_or_path: 'right', model_patch: readFileSync(path.join(tasks, TASK, 'gold.patch'), 'utf8') })}\n`);
  const results = path.join(tmp, 'results');
  const r = await runCli(['eval', '--predictions', preds, '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'a', '--sandbox', 'bwrap'], { timeoutMs: 240_000 });
  if (r.exitCode !== 0) throw new Error(`eval exited ${r.exitCode}: ${r.stderr}`);
  records = (await readFile(path.join(results, 'a', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.runIf(bwrapUsable)('a listed host whose tests read their own name (atkA20 #3), through eval --predictions --sandbox bwrap', () => {
  it('the gold patch resolves: no copy of a name-keyed test, the file holds canaries all the same', () => {
    const right = records.find((a) => a.contender === 'right')!;
    expect(right.outcome, JSON.stringify(right.error)).toBe('resolved');
    expect(right.canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
    expect(right.tests_status?.PASS_TO_PASS.failure).toEqual([]);
    // test/named.test.js holds the synthetic pair (nothing there can be copied), and says so
    expect(right.canaries?.unhooked?.find((u) => u.file === 'test/named.test.js')?.why).toBe(SYNTHETIC_ONLY);
  });
});
