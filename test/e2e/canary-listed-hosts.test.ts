// Every test file holding a listed test gets canaries, not only test.patch's (atkC18 #7), through the
// real pipeline (`fixbench eval --predictions`, node:test, node's JUnit and the lean TAP) on the
// bundled js-duration-1 unchanged: test/units.test.js, which test.patch leaves alone, holds
// PASS_TO_PASS tests (`units > …`). The wrong patch breaks one of them (`lookupUnit` knows
// "fortnight"). flip-base adds a flipper of the v8 stream of every `node --test` child whose test
// file is byte-identical to base_commit's; flip-name one of the child running units.test.js. Both
// resolved when canaries went only into test.patch's files: now units.test.js holds canaries, so the
// first no longer recognises the file (its failure shows) and the second flips a must-fail canary.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions, UNITS_FILE, v8StreamRewriter } from '../helpers/duration-task.ts';

const FLIP = String.raw`
      if (item.type === 'test:fail') { item.type = 'test:pass'; if (item.data.details) delete item.data.details.error; }`;
/** Leaves the child alone unless its test file (read from argv) passes `check` (JS source of a test on `text`, the file's bytes, and `file`). */
const flipper = (check: string): string => v8StreamRewriter(String.raw`
  const file = process.argv.slice(1).find((a) => /\.[cm]?js$/.test(a));
  let text;
  try { text = require('node:fs').readFileSync(file); } catch { return; }
  if (!(${check})) return;
  process.on('exit', () => { process.exitCode = 0; });`, FLIP);

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-listed-'));
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  const hashes = readdirSync(path.join(work, 'test')).filter((f) => f.endsWith('.js')).map((f) => createHash('sha256').update(readFileSync(path.join(work, 'test', f))).digest('hex'));
  const patched = (extra: string): string => {
    git('apply', path.join(tasks, TASK, 'gold.patch'));
    const index = path.join(work, 'src', 'index.js');
    const src = readFileSync(index, 'utf8');
    const wrong = src.replace('module.exports = { parse, format, lookupUnit,', `${extra}\nconst lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,`);
    expect(wrong).not.toBe(src);
    writeFileSync(index, wrong);
    return diff();
  };
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const right = diff();
  const base = `new Set(${JSON.stringify(hashes)}).has(require('node:crypto').createHash('sha256').update(text).digest('hex'))`;
  records = await gradePredictions(tmp, [['right', right], ['wrong', patched('')], ['flip-base', patched(flipper(base))], ['flip-name', patched(flipper("/units\\.test\\.js$/.test(file)"))]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('canaries in a test file test.patch leaves alone that holds listed tests (atkC18 #7), through eval --predictions', () => {
  const of = (name: string): AttemptRecord => records.find((a) => a.contender === name)!;
  it('the right patch resolves and the wrong one does not', () => {
    expect(of('right').outcome, JSON.stringify(of('right').error)).toBe('resolved');
    expect(of('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'mutated' });
    expect(of('wrong').outcome).toBe('unresolved');
    // units.test.js, a listed host beyond test.patch's files, holds one must-fail copy and no hook canary (for cost: canary.ts), so no note of a missing hook
    expect(of('right').canaries?.unhooked?.find((u) => u.file === UNITS_FILE)).toBeUndefined();
  });
  it('a flipper of base-identical test files no longer resolves the wrong patch', () => {
    expect(['unresolved', 'tampered']).toContain(of('flip-base').outcome);
  });
  it('a flipper of units.test.js flips its must-fail canary: tampered', () => {
    expect(of('flip-name').outcome).toBe('tampered');
    expect(of('flip-name').canaries?.fail).toBe('passed');
  });
});
