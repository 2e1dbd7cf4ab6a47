// A listed node:test id run by several test files (canary-runs.ts, process-account.ts), through the
// real pipeline (`fixbench eval --predictions`, node:test) on a copy of js-duration-1 whose
// base_commit gains a module of shared cases (`testlib/unit-cases.js`, not a file node runs as a
// test) holding the listed `units > returns undefined for unknown names`, and two test files loading
// it, one CommonJS and one ESM: with test/units.test.js, three processes must each report the id.
// Wrong patches that stop the ESM loader at load (atkI21 A), keep the suite's body from running in
// its process only (atkH21 A3), also load the cases twice elsewhere to keep the count (atkA22 #1),
// edit the module of cases (atkA22 #2), or empty every test body another repeats (atkD22 #1), as
// written or with its literals read as values (atkA23 #3)
// must not resolve, and the test output says why.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { commitNewBase, copyDurationTask, DURATION_TASK as TASK, gradePredictions } from '../helpers/duration-task.ts';

const ID = 'units > returns undefined for unknown names';
const BREAK = "const lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,";
const CASES = "'use strict';\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert');\ndescribe('units', () => {\n  it('returns undefined for unknown names', () => { assert.strictEqual(globalThis.durationLib.lookupUnit('fortnight'), undefined); });\n  it('knows the hour', () => { assert.strictEqual(globalThis.durationLib.lookupUnit('hr').ms, 3600000); });\n});\n";
const STOP_ESM = "if (process.argv.some((a) => /loader-esm\\.test\\.mjs$/.test(a))) process.exit(0);\n";
// atkH21 A3's shape: in the ESM loader's process only, the suite holding the id is registered with no body, while its other suite runs (the file is not silent)
// atkA22 #1: …and in every other process a test file's relative require outside src/ loads the module twice, so the count comes out right
const DOUBLE = "if (!process.argv.some((a) => /loader-esm\\.test\\.mjs$/.test(a))) { const M = require('node:module'); const req = M.prototype.require; M.prototype.require = function (id) { const r = req.call(this, id); if (id.startsWith('.') && /\\.test\\.[cm]?js$/.test(this.filename || '')) { const p = M._resolveFilename(id, this); if (!p.includes('/src/')) { delete require.cache[p]; req.call(this, id); } } return r; }; }\n";
// atkC22 #1: in the ESM loader's process only, lookupUnit is wrong and every test registered from a file other than the one node runs gets an empty body (blind: no title known)
const ESM = "const inEsm = process.argv.some((a) => /loader-esm\\.test\\.mjs$/.test(a));\n";
const NEUTRALISE_ESM = "if (inEsm) { const t = require('node:test'); const main = process.argv[1]; const caller = () => { const p = Error.prepareStackTrace; Error.prepareStackTrace = (_, cs) => cs; const cs = new Error().stack; Error.prepareStackTrace = p; const f = cs[2] && cs[2].getFileName(); return f && f.startsWith('file://') ? require('node:url').fileURLToPath(f) : f; }; const wrap = (o) => Object.assign(function (...a) { const from = caller(); if (from && from !== main) { const i = a.findLastIndex((x) => typeof x === 'function'); if (i >= 0) a[i] = () => {}; } return o.apply(this, a); }, o); t.it = wrap(t.it); t.test = wrap(t.test); }\n";
// atkD22 #1: in the ESM loader's process only, lookupUnit is wrong and every test whose function text another registered test repeats gets an empty body (blind: the listed test and a verbatim must-pass copy of it)
const TWINS_ESM = "if (inEsm) { const t = require('node:test'); const seen = new Map(); const wrap = (o) => Object.assign(function (...a) { const i = a.findLastIndex((x) => typeof x === 'function'); if (i >= 0) { const fn = a[i], src = String(fn); seen.set(src, (seen.get(src) || 0) + 1); a[i] = function (...b) { return seen.get(src) > 1 ? undefined : fn.apply(this, b); }; } return o.apply(this, a); }, o); t.it = wrap(t.it); t.test = wrap(t.test); }\n";
// atkA23 #3: TWINS_ESM with the functions' text compared after every string and number literal is read as its value (a copy with one literal respelled matches its original)
const NORMALISED_ESM = String.raw`if (inEsm) { const t = require('node:test'); const lit = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|(?<![\w$.])(?:\d+\.?\d*|\.\d+)(?![\w$])/g; const norm = (s) => s.replace(lit, (m) => (/^['"]/.test(m) ? JSON.stringify(Function('return ' + m)()) : String(Number(m)))).replace(/\s+/g, ''); const seen = new Map(); const wrap = (o) => Object.assign(function (...a) { const i = a.findLastIndex((x) => typeof x === 'function'); if (i >= 0) { const fn = a[i], src = norm(String(fn)); seen.set(src, (seen.get(src) || 0) + 1); a[i] = function (...b) { return seen.get(src) > 1 ? undefined : fn.apply(this, b); }; } return o.apply(this, a); }, o); t.it = wrap(t.it); t.test = wrap(t.test); }
`;
const SKIP_ESM = "if (process.argv.some((a) => /loader-esm\\.test\\.mjs$/.test(a))) { const t = require('node:test'); const d = t.describe; t.describe = (name, fn) => d(name, name === 'units' ? () => {} : fn); }\n";

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-listed-loaders-'));
  const copy = copyDurationTask(tmp);
  const { tasks, work, git } = copy;
  mkdirSync(path.join(work, 'testlib'));
  writeFileSync(path.join(work, 'testlib', 'unit-cases.js'), CASES);
  writeFileSync(path.join(work, 'test', 'loader-cjs.test.js'), "'use strict';\nglobalThis.durationLib = require('..');\nrequire('../testlib/unit-cases.js');\n");
  writeFileSync(path.join(work, 'test', 'loader-esm.test.mjs'), "import lib from '../src/index.js';\nimport '../testlib/unit-cases.js';\nimport { describe, it } from 'node:test';\nglobalThis.durationLib = lib;\ndescribe('esm', () => { it('loads', () => {}); });\n");
  const { diff } = commitNewBase(copy, 'shared cases');
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const right = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const index = path.join(work, 'src', 'index.js');
  writeFileSync(index, STOP_ESM + readFileSync(index, 'utf8'));
  const stop = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, SKIP_ESM + readFileSync(index, 'utf8'));
  const skip = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, SKIP_ESM + DOUBLE + readFileSync(index, 'utf8'));
  const double = diff();
  // atkA22 #2: the module of shared cases (no test file, no canary host) edited to expect what a wrong lookupUnit gives
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', BREAK));
  const cases = path.join(work, 'testlib', 'unit-cases.js');
  writeFileSync(cases, readFileSync(cases, 'utf8').replace("lookupUnit('fortnight'), undefined)", "lookupUnit('fortnight'), globalThis.durationLib.lookupUnit('fortnight'))"));
  const edit = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, ESM + NEUTRALISE_ESM + readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', BREAK.replace('lookupUnit: lookupOrFortnight,', 'lookupUnit: inEsm ? lookupOrFortnight : lookupKnown,')));
  const neutralise = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, ESM + TWINS_ESM + readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', BREAK.replace('lookupUnit: lookupOrFortnight,', 'lookupUnit: inEsm ? lookupOrFortnight : lookupKnown,')));
  const twins = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, ESM + NORMALISED_ESM + readFileSync(index, 'utf8').replace('module.exports = { parse, format, lookupUnit,', BREAK.replace('lookupUnit: lookupOrFortnight,', 'lookupUnit: inEsm ? lookupOrFortnight : lookupKnown,')));
  const normalised = diff();
  records = await gradePredictions(tmp, [['right', right], ['stop', stop], ['skip', skip], ['double', double], ['edit', edit], ['neutralise', neutralise], ['twins', twins], ['normalised', normalised]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a listed node:test id in a module of shared cases two test files load (atkI21 A), through eval --predictions', () => {
  const of = (name: string): AttemptRecord => records.find((a) => a.contender === name)!;
  const log = (name: string): string => readFileSync(path.join(tmp, 'results', 'a', 'logs', name, TASK, '0', 'test_output.txt'), 'utf8');
  it('the right patch resolves: every file running the id reported it', () => {
    expect(of('right').outcome, JSON.stringify(of('right').error)).toBe('resolved');
    expect(log('right')).not.toContain('test files node runs run it');
  });
  it('a patch stopping the ESM loader at load does not resolve (each loader is a canary host now, so the stopped one breaks the evidence: tampered)', () => {
    expect(of('stop').outcome, JSON.stringify(of('stop').error)).toBe('tampered');
  });
  it('a patch keeping the suite body from running in the ESM loader only (its other suite runs) does not resolve either (atkH21 A3)', () => {
    expect(of('skip').outcome, JSON.stringify(of('skip').error)).toBe('unresolved');
    expect(of('skip').tests_status?.PASS_TO_PASS.failure).toContain(ID);
    expect(log('skip')).toContain(`${JSON.stringify(ID)} was not reported by the process of test/loader-esm.test.mjs with that file's own canaries, which runs it (3 test files do: test/loader-cjs.test.js, test/loader-esm.test.mjs, test/units.test.js)`);
  });
  it('nor one that also loads the cases twice in the other processes, so the id is reported as many times as files run it (atkA22 #1): each file is run alone and its process must report it', () => {
    expect(of('double').outcome, JSON.stringify(of('double').error)).toBe('unresolved');
    expect(log('double')).toContain(`${JSON.stringify(ID)} was not reported by the process of test/loader-esm.test.mjs`);
  });
  it("nor one emptying, in the ESM loader's process only, the bodies of the tests a loaded module registers (atkC22 #1): the module is a canary host, and its must-fail copy passed there", () => {
    expect(of('neutralise').outcome, JSON.stringify(of('neutralise').error)).toBe('tampered');
    expect(JSON.stringify(of('neutralise').error)).toContain('passed in the process of test/loader-esm.test.mjs');
  });
  it("nor one emptying, in the ESM loader's process only, every test whose function text another registered test repeats (atkD22 #1): the must-pass copy of the listed test has a literal respelled, so the listed test runs and fails there", () => {
    expect(of('twins').outcome, JSON.stringify(of('twins').error)).toBe('unresolved');
    expect(of('twins').tests_status?.PASS_TO_PASS.failure).toContain(ID);
  });
  it("nor one comparing those texts with every string and number literal read as its value (atkA23 #3): a listed test is never copied alone (a copy's respelled literal no longer hides it), so the listed test runs and fails there, or the emptying passes a group's mutant (tampered)", () => {
    // the module's other test (unlisted) has a group: emptying its pair equal by value passes its mutant when the coin made the pair the mutant's (tampered)
    const n = of('normalised');
    expect(['unresolved', 'tampered'], JSON.stringify(n.error)).toContain(n.outcome);
    if (n.outcome === 'unresolved') expect(n.tests_status?.PASS_TO_PASS.failure).toContain(ID);
    else expect(n.error?.message).toMatch(/failing canary test .* passed in the process of test\/loader-esm\.test\.mjs/);
  });
  it("nor a wrong patch editing the module of shared cases to expect its wrong value (atkA22 #2): the module runs as base_commit has it", () => {
    expect(of('edit').outcome, JSON.stringify(of('edit').error)).toBe('unresolved');
    expect(of('edit').tests_status?.PASS_TO_PASS.failure).toContain(ID);
  });
});
