// Word-level mutants of expected strings (canary-words.ts; atkH13 #2): a patch that keeps, of each
// twin pair of expected strings, the one whose words are all words of the repository told the
// one-character mutant ('invalid duraton', '1.5xs') from its original. Now a string holding a
// vocabulary word changes one whole word for another vocabulary word of the file's strings, and
// where none fits the pair counts at odds 1.
import { afterAll, describe, expect, it } from 'vitest';
import { cookedOf, type Rng } from '../../../src/evaluation/canary-literal.ts';
import { letterRuns, mutateText, mutateWords, sameShape, type WordSource } from '../../../src/evaluation/canary-words.ts';
import { planCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { mutatePythonLiteral } from '../../../src/evaluation/canary-python.ts';
import { literalWords, wordsAtBase } from '../../../src/evaluation/canary-elsewhere.ts';
import { isPlainPythonString } from '../../../src/evaluation/canary-python-parse.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';
import { seeded } from '../../helpers/seeded-rng.ts';
import { withoutThirds } from './canary-fixture.ts';

afterAll(cleanupHostRepos);


const VOCAB = new Set('invalid duration unknown unit hours minutes seconds days weeks ms s m h d and or component value empty input'.split(' '));
const words = (pool: string): WordSource => ({ vocab: (w) => VOCAB.has(w), pool: letterRuns(pool) });
/** atkH13 #2's reader: a value reads as words when every letter run is a vocabulary word. */
const reads = (v: string): boolean => letterRuns(v.toLowerCase()).every((w) => VOCAB.has(w));

describe('mutateWords', () => {
  it('replaces one whole vocabulary word by another of the file\'s strings, so the mutant reads as words too', () => {
    const pool = words('invalid duration unknown unit empty input 2 hours 3 minutes 1.5s 2m');
    for (const [src, n] of [["'invalid duration'", 2], ["'2 hours'", 1], ["'1.5s'", 1], ['"unknown unit: ms"', 3], ['`empty input`', 2]] as const) {
      for (let seed = 0; seed < 60; seed++) {
        const m = mutateWords(src, pool, seeded(seed))!;
        expect(m.tell, src).toBe(false);
        expect(m.strict).toBeUndefined();
        const value = cookedOf(m.code, true)!;
        const before = letterRuns(cookedOf(src, true)!);
        const after = letterRuns(value);
        expect(value, m.code).not.toBe(cookedOf(src, true));
        expect(reads(value), value).toBe(true);
        expect(after).toHaveLength(n);
        expect(after.filter((w, i) => w !== before[i])).toHaveLength(1);
        // the rest of the value (digits, punctuation, spaces) is untouched
        expect(value.replace(/\p{L}+/gu, '')).toBe(cookedOf(src, true)!.replace(/\p{L}+/gu, ''));
      }
    }
  });

  it('weighs each word of a literal against the pool once per word source, however many mutants are drawn (drawMutant draws up to 40)', () => {
    const asked: string[] = [];
    const source: WordSource = { vocab: (w) => (asked.push(w), VOCAB.has(w)), pool: letterRuns('invalid duration unknown unit empty input 2 hours 3 minutes') };
    const first = mutateWords("'invalid duration'", source, seeded(1))!;
    const once = asked.length;
    expect(once).toBeGreaterThan(0);
    const values = new Set([cookedOf(first.code, true)]);
    for (let seed = 2; seed < 40; seed++) values.add(cookedOf(mutateWords("'invalid duration'", source, seeded(seed))!.code, true));
    expect(asked).toHaveLength(once); // remembered: no word asked again
    expect(values.size).toBeGreaterThan(1); // still drawn anew each time
    // another literal, or another source with its own answers, is weighed afresh
    mutateWords("'unknown unit'", source, seeded(1));
    expect(asked.length).toBeGreaterThan(once);
    const other: WordSource = { vocab: (w) => w !== 'unknown' && VOCAB.has(w), pool: source.pool };
    for (let seed = 0; seed < 30; seed++) expect(cookedOf(mutateWords("'invalid duration'", other, seeded(seed))!.code, true)).not.toMatch(/unknown/);
  });

  it('keeps the word\'s shape: case pattern, plural ending, a near length', () => {
    const pool = words('Invalid Unknown invalid unknown hours days minutes seconds h d m s');
    for (let seed = 0; seed < 80; seed++) {
      expect(cookedOf(mutateWords("'Invalid'", pool, seeded(seed))!.code, true)).toBe('Unknown');
      expect(['2 days', '2 minutes', '2 seconds']).toContain(cookedOf(mutateWords("'2 hours'", pool, seeded(seed))!.code, true));
      expect(['1.5h', '1.5d', '1.5m']).toContain(cookedOf(mutateWords("'1.5s'", pool, seeded(seed))!.code, true));
    }
    expect(sameShape('hours', 'hour')).toBe(false);
    expect(sameShape('hour', 'hours')).toBe(false);
    expect(sameShape('Hours', 'days')).toBe(false);
    expect(sameShape('ms', 's')).toBe(sameShape('s', 'ms'));
  });

  it('is null for a string with no vocabulary word (the character edit reads alike), a tell when it has one and no substitute', () => {
    expect(mutateWords("'x9q7'", words('x9q7 hours'))).toBeNull();
    expect(mutateWords("'12.5'", words('hours'))).toBeNull();
    expect(mutateWords("'invalid'", words('invalid hours'))).toEqual({ code: '', tell: true });
    // mutateText then marks the character edit a tell; a non-word string keeps its untold character edit
    const told = mutateText("'invalid'", [...'invalid hours'], seeded(1), [7, 5], words('invalid hours'));
    expect(told.tell).toBe(true);
    expect(cookedOf(told.code, true)).not.toBe('invalid');
    expect(mutateText("'x9q7'", [...'x9q7'], seeded(1), [4], words('x9q7')).tell).toBe(false);
  });

  it('a known word (written inside a longer one at base_commit) is replaced by a whole vocabulary word; a value with no letter gains none', () => {
    const src: WordSource = { vocab: (w) => w === 'code', known: (w) => w === 'code' || w === 'note', pool: ['note', 'code', 'nope'] };
    for (let seed = 0; seed < 30; seed++) {
      expect(cookedOf(mutateWords("'note'", src, seeded(seed))!.code, true)).toBe('code');
      const pool = [...'8080 hours1-1'];
      expect(letterRuns(cookedOf(mutateText("'8080'", pool, seeded(seed), [4, 5, 3], words('hours')).code, true)!)).toEqual([]);
    }
  });

  it('spells new letters as the literal does and parses in the original\'s mode', () => {
    const pool = words('café ouvert fermé hours');
    for (let seed = 0; seed < 40; seed++) {
      const m = mutateWords("'caf\\u00e9 ouvert'", { vocab: () => true, pool: pool.pool }, seeded(seed))!;
      expect(m.code).not.toMatch(/é/);
      expect(cookedOf(m.code, true)).not.toBe('café ouvert');
      // sloppy-only original (legacy octal escape): the mutant parses sloppy as one literal
      const s = mutateWords("'\\1 hours'", words('hours days'), seeded(seed))!;
      expect(cookedOf(s.code, false)).toBe('\u0001 days');
    }
  });
});

describe('planCanaries: a word reader sees both twins read alike (atkH13 #2)', () => {
  const FILE = [
    "const { describe, it } = require('node:test');",
    "const assert = require('node:assert/strict');",
    "const { format, check } = require('../src');",
    "describe('format', () => {",
    "  it('writes hours', () => assert.equal(format(7200000), '2 hours'));",
    "  it('writes minutes', () => assert.equal(format(180000), '3 minutes'));",
    "  it('writes seconds', () => assert.equal(format(4000), '4 seconds'));",
    "  it('rejects junk', () => assert.equal(check('x'), 'invalid duration'));",
    "  it('rejects units', () => assert.equal(check('1y'), 'unknown unit'));",
    '});',
    '',
  ].join('\n');
  const task = { FAIL_TO_PASS: ['format > writes hours', 'format > rejects junk'], PASS_TO_PASS: [], test_patch: '' };
  /** Each must-fail pair's two expected values: [original, mutant]. */
  const pairs = (p: CanaryPlan): [unknown, unknown][] => withoutThirds(p.tests).filter((t) => t.must === 'FAILED' && !t.hook).map((c) => {
    const found = findTests(c.file, p.texts.get(c.file)!)!;
    const a = found.find((t) => t.title === c.original!.split(' > ').at(-1))!;
    const b = found.find((t) => t.title === c.title)!;
    const i = a.literals.findIndex((l, j) => l.value !== b.literals[j]!.value);
    return [a.literals[i]!.value, b.literals[i]!.value];
  });

  it('every mutant of a prose string reads as words, and no pair counts as a tell', () => {
    for (let n = 0; n < 40; n++) {
      const p = planCanaries('node:test', new Map([['test/f.test.js', FILE]]), null, task, new Set(), { whole: VOCAB, part: VOCAB });
      if ('unprotected' in p) throw new Error(p.unprotected);
      const ps = pairs(p);
      expect(ps).toHaveLength(3);
      for (const [a, b] of ps) expect([a, b, reads(String(a)), reads(String(b))]).toEqual([a, b, true, true]);
      // 1/2 a pair, unless a redrawn mutant still writes another expected value (priced by frequencyOdds)
      expect(p.guess).toBeGreaterThanOrEqual(1 / 8);
      expect(p.guess).toBeLessThan(1);
    }
  });

  it('a prose string with no substitute in the file counts at odds 1 (tell), not 1/2', () => {
    const one = FILE.replace(/  it\('writes (minutes|seconds)'.*\n/g, '').replace("'unknown unit'", '4000'); // a number of no digit run's shape: no token the file expects replaces '2' either (canary-echo.ts)
    for (let n = 0; n < 10; n++) {
      // hours and 'invalid duration' (whose words the repository writes) have no same-shape substitute in the file
      const p = planCanaries('node:test', new Map([['test/f.test.js', one]]), null, task, new Set(), { whole: VOCAB, part: VOCAB });
      if ('unprotected' in p) throw new Error(p.unprotected);
      expect(p).toMatchObject({ guess: 1, weak: ['test/f.test.js'] });
    }
  });
});

describe('mutatePythonLiteral with words', () => {
  it('gives a plain Python string whose words are vocabulary words', () => {
    const text = "assert f() == 'invalid duration'\nassert g() == 'unknown unit'\n";
    const lit = { start: text.indexOf("'invalid"), end: text.indexOf("'\n") + 1, value: 'invalid duration' };
    for (let n = 0; n < 20; n++) {
      const m = mutatePythonLiteral([lit], text, [...'invalid durationunknown unit'], [16, 12], words('invalid duration unknown unit'))!;
      expect(isPlainPythonString(m.code)).toBe(true);
      expect(['unknown duration', 'invalid unknown']).toContain(cookedOf(m.code, true));
      expect(m).toMatchObject({ tell: false, strict: false });
    }
  });
});

describe('wordsAtBase', () => {
  it('answers which words the commit writes as whole words, and anywhere, in any case', async () => {
    const repo = gitRepo({ 'src/a.js': "// Hours and minutes\nconst unitName = 'days';\n", 'README.md': 'An Invalid duration.\n' });
    const ws = await hostRepoOf(repo.dir);
    const found = await wordsAtBase(ws, ws.baseCommit)(['hours', 'minutes', 'days', 'invalid', 'duration', 'unit', 'weeks']);
    expect([...found.whole].sort()).toEqual(['days', 'duration', 'hours', 'invalid', 'minutes']);
    // 'unit' only inside unitName: a reader splitting camel case counts it
    expect([...found.part].sort()).toEqual(['days', 'duration', 'hours', 'invalid', 'minutes', 'unit']);
  });

  it('asks the words of the hosts\' expected strings', () => {
    const hosts = new Map([['test/a.test.js', "const assert = require('assert');\nit('x', () => assert.equal(f(), 'Two Hours'));\n"]]);
    expect(literalWords(hosts, false)).toEqual(['two', 'hours']);
  });
});
