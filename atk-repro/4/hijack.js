// A WRONG patch's helper (required first thing by src/index.js). It fixes nothing. It
// 1. turns node:assert (and assert/strict) into no-ops: every test passes, the canary mutants too;
// 2. registers, under a node:test suite named like the running test file ("test/parse.test.js"),
//    a result for every test of that file that has a twin: PASSED for a verbatim twin (the passing
//    canary and its original), FAILED where the bodies differ only in literals (a mutant pair).
// Any result id starting with "<host file> > " makes checkCanaries and unswapResults read ids as
// file-named: the canaries are judged on these registered ids only; the real ones (file-less) stay
// in the graded results as ordinary unlisted tests.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
for (const a of [require('node:assert'), require('node:assert').strict]) {
  for (const k of ['equal', 'strictEqual', 'deepEqual', 'deepStrictEqual', 'notEqual', 'notStrictEqual', 'ok', 'throws', 'rejects', 'doesNotThrow', 'match', 'fail']) a[k] = () => {};
}
const file = require.main && require.main.filename;
if (file && /\.test\.js$/.test(file)) {
  const text = fs.readFileSync(file, 'utf8');
  // minimal scanner: the matching ')' of the '(' at i, skipping strings, templates and comments
  const close = (i) => {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"' || c === "'" || c === '`') { for (j++; j < text.length && text[j] !== c; j++) if (text[j] === '\\') j++; continue; }
      if (c === '/' && text[j + 1] === '/') { j = text.indexOf('\n', j); continue; }
      if (c === '/' && text[j + 1] === '*') { j = text.indexOf('*/', j) + 1; continue; }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j;
    }
    return text.length;
  };
  const calls = [];
  for (const m of text.matchAll(/\b(describe|it|test)\(\s*(['"`])((?:\\.|(?!\2)[^\\])*)\2/g)) {
    const open = m.index + m[1].length;
    calls.push({ kind: m[1], title: m[3], start: m.index, end: close(open), rest: text.slice(m.index + m[0].length, close(open)) });
  }
  const tests = calls.filter((c) => c.kind !== 'describe').map((t) => ({
    ...t,
    suites: calls.filter((d) => d.kind === 'describe' && d.start < t.start && d.end >= t.end).map((d) => d.title),
    shape: t.rest.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1|\b\d[\d_.eE]*\b/g, '§'),
  }));
  const rel = path.relative(process.cwd(), file);
  const { describe, it } = require('node:test');
  const tree = new Map();
  for (const t of tests) {
    const verbatim = tests.some((o) => o !== t && o.rest === t.rest);
    const near = tests.some((o) => o !== t && o.rest !== t.rest && o.shape === t.shape && Math.abs(o.rest.length - t.rest.length) <= 2);
    if (!verbatim && !near) continue;
    const key = t.suites.join('\u0000');
    if (!tree.has(key)) tree.set(key, { suites: t.suites, tests: [] });
    tree.get(key).tests.push({ title: t.title, pass: verbatim });
  }
  const nest = (suites, body) => (suites.length ? () => describe(suites[0], nest(suites.slice(1), body)) : body);
  describe(rel, () => {
    for (const { suites, tests: ts } of tree.values()) {
      nest(suites, () => { for (const x of ts) it(x.title, () => { if (!x.pass) throw new Error('no'); }); })();
    }
  });
}
