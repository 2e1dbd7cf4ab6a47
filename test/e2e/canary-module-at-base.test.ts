// A module defining listed node:test tests that a test file loads by a path built at run time (so
// no runner of it is found, and the canary plan writes no canaries into it): it still runs as
// base_commit has it, so a wrong patch emptying its assertions does not resolve (atkG23 #1: round
// 22 dropped the write-back of such modules; atkA22 #2 was the same edit on a module with a runner).
// Through the real pipeline (`fixbench eval --predictions`, node:test) on a copy of js-duration-1
// whose base_commit moves parse.test.js's `long names` suite into support/long-names.js.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { commitNewBase, copyDurationTask, DURATION_TASK as TASK, gradePredictions } from '../helpers/duration-task.ts';

const ID = 'parse > long names > ignores commas and the filler word and';

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-module-at-base-'));
  const copy = copyDurationTask(tmp);
  const { tasks, work, git } = copy;
  const parseTest = path.join(work, 'test', 'parse.test.js');
  const text = readFileSync(parseTest, 'utf8');
  const [from, to] = [text.indexOf("  describe('long names'"), text.indexOf("  describe('numbers'")];
  mkdirSync(path.join(work, 'support'));
  writeFileSync(path.join(work, 'support', 'long-names.js'), `'use strict';\n\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { parse } = require('..');\n\ndescribe('parse', () => {\n${text.slice(from, to).trimEnd()}\n});\n`);
  writeFileSync(parseTest, (text.slice(0, from) + text.slice(to)).replace("require('..');\n", "require('..');\nconst path = require('node:path');\nrequire(path.join(__dirname, '..', 'support', ['long', 'names'].join('-')));\n"));
  const { diff } = commitNewBase(copy, 'long names in a module loaded by a computed path');
  git('apply', path.join(tasks, TASK, 'test.patch'));
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  // test.patch made again against the new base (its hunks' line numbers moved)
  git('add', '--all');
  writeFileSync(path.join(tasks, TASK, 'test.patch'), git('diff', '--cached', '--no-color', '--', 'test'));
  git('reset', '--quiet', '--hard');
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const right = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const tokenize = path.join(work, 'src', 'tokenize.js');
  writeFileSync(tokenize, readFileSync(tokenize, 'utf8').replace("!== 'and')", "!== 'and ')"));
  const names = path.join(work, 'support', 'long-names.js');
  writeFileSync(names, readFileSync(names, 'utf8').replace(/assert\.equal\(parse\('2 days[^\n]*\n[^\n]*\n/, 'void 0;\n'));
  const edit = diff();
  records = await gradePredictions(tmp, [['right', right], ['edit', edit]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a module defining listed tests, loaded by a path built at run time (atkG23 #1)', () => {
  const of = (name: string): AttemptRecord => records.find((a) => a.contender === name)!;
  it('the right patch resolves', () => {
    expect(of('right').outcome, JSON.stringify(of('right').error)).toBe('resolved');
  });
  it('a wrong patch (the filler word kept) emptying the module\'s assertions does not: the module runs as base_commit has it', () => {
    expect(of('edit').outcome, JSON.stringify(of('edit').error)).toBe('unresolved');
    expect(of('edit').tests_status?.PASS_TO_PASS.failure).toContain(ID);
  });
});
