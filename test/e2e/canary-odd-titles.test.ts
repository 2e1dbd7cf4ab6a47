// Hidden tests whose titles a result id writes otherwise — a `"` (node 20's JUnit writes it
// `&quot;`), a trailing space (ids are keyed trimmed) — through the real pipeline (`fixbench eval
// --predictions`, node:test) on a copy of js-duration-1 whose test.patch adds such a file: copies of
// them are found under every form an id gives their titles (gold read `tampered`, atkD23 #1), so gold
// resolves every time; a wrong patch does not, nor one swallowing assertion failures only in tests
// whose title holds a `"` (leaving such tests uncopied told a patch where no canary is: atkE23 F1).
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions } from '../helpers/duration-task.ts';
import { testGitEnv } from '../helpers/git-repo.ts';

const FILE = `'use strict';
const lib = require('..');
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
describe('lookup', () => {
  it('knows "h" as the hour', () => {
    assert.equal(lib.lookupUnit('h').ms, 3600000);
  });
  it('knows the minute ', () => {
    assert.equal(lib.lookupUnit('m').ms, 60000);
  });
  it('knows the second', () => {
    assert.equal(lib.lookupUnit('s').ms, 1000);
  });
});
`;

// atkE23 F1, blind: an assertion failing in a test whose own title (read from the stack's test file) holds a `"` is swallowed
const FLIP_QUOTED = `
{
  const fs = require('fs');
  const inQuoted = () => {
    for (const l of String(new Error().stack).split('\\n')) {
      const m = /(\\/[^():]*\\.test\\.[cm]?js):(\\d+):\\d+/.exec(l);
      if (!m) continue;
      const lines = fs.readFileSync(m[1], 'utf8').split('\\n');
      for (let i = +m[2] - 1; i >= 0; i--) {
        const t = /\\b(?:it|test)\\s*\\(\\s*(['"\`])((?:\\\\.|(?!\\1)[^\\\\])*)\\1/.exec(lines[i]);
        if (t) return t[2].includes('"');
      }
      return false;
    }
    return false;
  };
  for (const a of [require('assert'), require('assert').strict]) {
    for (const k of ['ok', 'equal', 'strictEqual', 'deepEqual', 'deepStrictEqual']) {
      const f = a[k];
      a[k] = function (...args) { try { return f.apply(this, args); } catch (e) { if (inQuoted()) return undefined; throw e; } };
    }
  }
}
`;

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-odd-titles-'));
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  writeFileSync(path.join(work, 'test', 'lookup.test.js'), FILE);
  git('add', 'test/lookup.test.js');
  appendFileSync(path.join(tasks, TASK, 'test.patch'), execFileSync('git', ['diff', '--cached', '--no-color'], { cwd: work, env: testGitEnv(), encoding: 'utf8' }));
  git('reset', '--quiet', '--hard');
  const yaml = path.join(tasks, TASK, 'task.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^PASS_TO_PASS:\n/m, 'PASS_TO_PASS:\n  - lookup > knows &quot;h&quot; as the hour\n  - lookup > knows the minute\n  - lookup > knows the second\n'));
  const gold = readFileSync(path.join(tasks, TASK, 'gold.patch'), 'utf8');
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const unit = path.join(work, 'src', 'units.js');
  writeFileSync(unit, readFileSync(unit, 'utf8').replace("unit('m', 60 * 1000,", "unit('m', 61 * 1000,"));
  const wrong = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(unit, readFileSync(unit, 'utf8').replace("unit('h', 60 * 60 * 1000,", "unit('h', 61 * 60 * 1000,"));
  const index = path.join(work, 'src', 'index.js');
  writeFileSync(index, readFileSync(index, 'utf8') + FLIP_QUOTED);
  const flip = diff();
  records = await gradePredictions(tmp, [['gold-1', gold], ['gold-2', gold], ['gold-3', gold], ['gold-4', gold], ['wrong', wrong], ['flip-1', flip], ['flip-2', flip], ['flip-3', flip]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('hidden tests with titles a result id writes otherwise (atkD23 #1)', () => {
  it('gold resolves in every plan, with canaries recorded', () => {
    for (const r of records.filter((a) => a.contender.startsWith('gold-'))) {
      expect(r.outcome, JSON.stringify(r.error)).toBe('resolved');
      expect(r.canaries).toMatchObject({ fail: 'failed' });
    }
  });
  it('nor a patch breaking the hour that swallows failures in tests whose title holds a `"` (atkE23 F1): a copy of that test has one too (tampered when its must-fail copy passed; unresolved when the pair ran swapped and the original failed under the copy\'s title)', () => {
    for (const r of records.filter((a) => a.contender.startsWith('flip-'))) expect(['tampered', 'unresolved'], JSON.stringify(r.error)).toContain(r.outcome);
  });
  it('a patch breaking the minute does not', () => {
    const r = records.find((a) => a.contender === 'wrong')!;
    expect(r.outcome, JSON.stringify(r.error)).toBe('unresolved');
    expect(r.tests_status?.PASS_TO_PASS.failure).toContain('lookup > knows the minute');
  });
});
