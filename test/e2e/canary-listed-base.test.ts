// A file holding listed tests that no test-file glob protects is planned on and written as base_commit
// has it (canary-listed-hosts.ts baseTextOf), through the real pipeline (`fixbench eval
// --predictions`, node:test) on a copy of js-duration-1 whose `test_files` protects only its
// test.patch file: test/units.test.js (PASS_TO_PASS `units > …`) is then the patch's to edit. The
// hostile patch breaks `units > returns undefined for unknown names` (lookupUnit knows "fortnight"),
// writes every title of units.test.js as a string computed at run time (so a parse of the patched
// file finds no test with a listed id) and flips the failures of the child running units.test.js. Read from
// the workspace, the file got no canary and the flip resolved; read at base_commit, it holds
// canaries and the flip shows.
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions, UNITS_FILE, v8StreamRewriter } from '../helpers/duration-task.ts';

const FLIP = String.raw`
      if (item.type === 'test:fail') { item.type = 'test:pass'; if (item.data.details) delete item.data.details.error; }`;
const FLIP_UNITS = v8StreamRewriter(String.raw`
  const file = process.argv.slice(1).find((a) => /\.[cm]?js$/.test(a));
  if (!/units\.test\.js$/.test(String(file))) return;
  process.on('exit', () => { process.exitCode = 0; });`, FLIP);

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-listed-base-'));
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  const yaml = path.join(tasks, TASK, 'task.yaml');
  const testPatchFiles = [...readFileSync(path.join(tasks, TASK, 'test.patch'), 'utf8').matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]!);
  expect(testPatchFiles).not.toContain(UNITS_FILE);
  writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}test_files:\n${testPatchFiles.map((f) => `  - ${f}\n`).join('')}`);
  const hostile = (flip: boolean): string => {
    git('apply', path.join(tasks, TASK, 'gold.patch'));
    const index = path.join(work, 'src', 'index.js');
    const src = readFileSync(index, 'utf8');
    const wrong = src.replace('module.exports = { parse, format, lookupUnit,', `${flip ? FLIP_UNITS : ''}\nconst lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,`);
    expect(wrong).not.toBe(src);
    writeFileSync(index, wrong);
    const units = path.join(work, UNITS_FILE);
    const text = readFileSync(units, 'utf8');
    // every title of the file computed at run time (base64), so no test of it parses with its id
    const computed = text.replace(/\bit\('([^']+)'/g, (_m, title: string) => `it(Buffer.from('${Buffer.from(title).toString('base64')}', 'base64').toString()`);
    expect(computed).not.toBe(text);
    writeFileSync(units, computed);
    return diff();
  };
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const right = diff();
  // rewrites units.test.js from the first node --test child (every child requires src/index.js) before node starts that file's: the
  // canaries written there dropped, the broken assertion made to hold (atkB19 #5); no glob protects the file, so only its canary lock stops it
  const unitsBase = readFileSync(path.join(work, UNITS_FILE), 'utf8');
  const rewrite = `\ntry { const fs = require('node:fs'); const f = ${JSON.stringify(UNITS_FILE)}; if (fs.readFileSync(f, 'utf8') !== ${JSON.stringify(unitsBase)}) fs.writeFileSync(f, ${JSON.stringify(unitsBase.replace("lookupUnit('fortnight')", "lookupUnit('lightyear')"))}); } catch {}\n`;
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const index = path.join(work, 'src', 'index.js');
  writeFileSync(index, readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', `${rewrite}const lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,`));
  const rewritten = diff();
  // units.test.js made a link to an edited copy (the read of the workspace skipped links: no canary, atkC19 #5)
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', `const lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,`));
  writeFileSync(path.join(work, 'test', 'units-copy.js'), unitsBase.replace("lookupUnit('fortnight')", "lookupUnit('lightyear')"));
  rmSync(path.join(work, UNITS_FILE));
  symlinkSync('units-copy.js', path.join(work, UNITS_FILE));
  const linked = diff();
  // units.test.js moved to units-moved.test.js (node runs it too) with the broken assertion edited: a deleted file was no host (atkA20 #7)
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', `const lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,`));
  writeFileSync(path.join(work, 'test', 'units-moved.test.js'), unitsBase.replace("lookupUnit('fortnight')", "lookupUnit('lightyear')"));
  rmSync(path.join(work, UNITS_FILE));
  const moved = diff();
  records = await gradePredictions(tmp, [['right', right], ['wrong', hostile(false)], ['flip', hostile(true)], ['rewrite', rewritten], ['link', linked], ['move', moved]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a listed test in a file no glob protects, its title made unreadable by the patch (canary-listed-hosts.ts baseTextOf), through eval --predictions', () => {
  const of = (name: string): AttemptRecord => records.find((a) => a.contender === name)!;
  it('the right patch resolves, with canaries in units.test.js; the wrong one does not', () => {
    expect(of('right').outcome, JSON.stringify(of('right').error)).toBe('resolved');
    expect(of('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
    expect(of('wrong').outcome).toBe('unresolved');
  });
  it('the flipper of units.test.js flips a must-fail canary planned on the file as base_commit has it: tampered', () => {
    expect(of('flip').outcome, JSON.stringify(of('flip').canaries)).toBe('tampered');
    expect(of('flip').canaries?.fail).toBe('passed');
    // no note of a listed test left without a canary
    expect(JSON.stringify(of('flip').canaries?.unhooked ?? [])).not.toMatch(/listed test/);
  });
  it('a rewrite of units.test.js at run time (its canaries dropped) changes a locked canary host: tampered (atkB19 #5)', () => {
    expect(of('rewrite').outcome, JSON.stringify(of('rewrite').error)).toBe('tampered');
    expect(JSON.stringify(of('rewrite').error)).toContain(UNITS_FILE);
  });
  it('units.test.js deleted and moved, the broken assertion edited in the copy: the file comes back as base_commit has it, with its canaries, and the wrong patch does not resolve (atkA20 #7)', () => {
    expect(of('move').outcome, JSON.stringify(of('move').error)).toBe('unresolved');
    expect(of('move').canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
    expect(of('move').tests_status?.PASS_TO_PASS.failure).toContain('units > returns undefined for unknown names');
    expect(JSON.stringify(of('move').canaries?.unhooked ?? [])).not.toMatch(/listed test/);
  });
  it('units.test.js made a link to an edited copy: its base text is the host, and writing the plan over a link is tampered (atkC19 #5)', () => {
    expect(of('link').outcome, JSON.stringify(of('link').error)).toBe('tampered');
  });
});
