import { describe, expect, it } from 'vitest';
import { cookedOf, mutateNumber, mutateString, type Rng } from '../../../src/evaluation/canary-literal.ts';
import { seeded } from '../../helpers/seeded-rng.ts';


// Expected strings as CSV/parser tests write them (the attack measured on js-csv).
const STRINGS = [
  'a,b,c', 'hello world', 'Name,Age\nBob,42', '"quoted",field', 'x;y;z', 'ERROR: bad input', 'foo', 'Bar',
  'line one\r\nline two', '2024-01-05', 'A', 'id', 'tab\tseparated', 'Value: 3.14', 'UTF-8 ✓', 'the quick brown fox',
  'camelCase', 'SNAKE_CASE', "it's", 'path/to/file.csv', '1,2,3', 'Missing closing quote', 'abc123', 'x',
];
const file = STRINGS.map((s) => JSON.stringify(s)).join('\n');
const pool = STRINGS.flatMap((s) => [...s]);
const lengths = STRINGS.map((s) => [...s].length);
const decode = (code: string): string => (code.startsWith("'") ? JSON.parse(`"${code.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) : JSON.parse(code));

/** The attacker's rules (/work r4 attack A): which of two strings is the mutant, or null when a rule does not apply. */
function longerIsMutant(a: string, b: string): 'a' | 'b' | null {
  if (a.length === b.length + 1 && a.startsWith(b)) return 'a';
  if (b.length === a.length + 1 && b.startsWith(a)) return 'b';
  return a.length > b.length ? 'a' : b.length > a.length ? 'b' : null;
}
function foreignCharIsOriginal(a: string, b: string): 'a' | 'b' | null {
  if (a.length !== b.length) return null;
  const i = [...a].findIndex((c, k) => c !== b[k]);
  if (i < 0) return null;
  const can = (s: string, c: string): boolean => new Set([...s, ...'abcdefghijklmnopqrstuvwxyz0123456789']).has(c);
  const aCan = can(b, a[i]!), bCan = can(a, b[i]!);
  return aCan === bCan ? null : aCan ? 'a' : 'b';
}
/** Reads the differing char as absent from the rest of the other string: that side is the original. */
function absentCharIsOriginal(a: string, b: string): 'a' | 'b' | null {
  if (a.length !== b.length) return null;
  const i = [...a].findIndex((c, k) => c !== b[k]);
  if (i < 0) return null;
  const inA = a.split('').filter((c) => c === b[i]).length, inB = b.split('').filter((c) => c === a[i]).length;
  return inA === inB ? null : inB < inA ? 'b' : 'a';
}

/** How often a rule names the mutant, over the pairs it decides; and how many it decides. */
function score(rule: (a: string, b: string) => 'a' | 'b' | null, pairs: [orig: string, mut: string][]): { right: number; used: number } {
  let right = 0, used = 0;
  pairs.forEach(([o, m], k) => {
    // Shown in either order, as a patch reads them (the copy goes before or after its original).
    const [a, b] = k % 2 ? [o, m] : [m, o];
    const r = rule(a, b);
    if (!r) return;
    used++;
    if ((r === 'a' ? a : b) === m) right++;
  });
  return { right: right / used, used };
}

describe('canary literal mutation: the pair does not tell the original', () => {
  const rng = seeded(20261205);
  const pairs: [string, string][] = [];
  for (let n = 0; n < 6000; n++) {
    const s = STRINGS[n % STRINGS.length]!;
    for (const q of ['"', "'"]) {
      const src = q === '"' ? JSON.stringify(s) : `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
      const m = mutateString(src, pool, rng, lengths);
      expect(m.tell).toBe(false);
      pairs.push([s, decode(m.code)]);
    }
  }

  it('changes the value: every mutant differs from its original', () => {
    for (const [o, m] of pairs) expect(m).not.toBe(o);
  });

  it('regression: "the longer string is the mutant" wins no better than chance (was 157/157)', () => {
    const s = score(longerIsMutant, pairs);
    expect(s.used).toBeGreaterThan(2000);
    expect(Math.abs(s.right - 0.5)).toBeLessThan(0.04);
  });

  it('regression: "a character absent from the other string and from [a-z0-9] marks the original" wins no better than chance (was 27/27)', () => {
    const s = score(foreignCharIsOriginal, pairs);
    expect(s.used).toBeGreaterThan(100);
    expect(s.right).toBeLessThan(0.6);
  });

  it('"the changed character is rarer in the other string" is near chance', () => {
    const s = score(absentCharIsOriginal, pairs);
    expect(Math.abs(s.right - 0.5)).toBeLessThan(0.1);
  });

  it('keeps the literal\'s quote and escape notation: only the changed character differs in the source', () => {
    const r = seeded(7);
    for (let n = 0; n < 300; n++) {
      const m = mutateString("'a\\x41\\u00e9b\\'c'", pool, r).code;
      expect(m[0]).toBe("'");
      expect(m.at(-1)).toBe("'");
      // Four of the five escapes/characters stay written as they were.
      const kept = ['a', '\\x41', '\\u00e9', 'b', "\\'", 'c'].filter((u) => m.includes(u)).length;
      expect(kept).toBeGreaterThanOrEqual(5 - 1);
    }
  });

  it('an empty string can only grow: reported as a tell (its copy counts at odds 1)', () => {
    const m = mutateString("''", pool, seeded(1));
    expect(m.tell).toBe(true);
    expect(decode(m.code)).toHaveLength(1);
  });
});

/** True when `b` is `a` with exactly one character (code point) inserted, deleted or substituted. */
function oneEdit(a: string, b: string): boolean {
  const x = [...a], y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const rest = (p: string[], k: number): string => p.slice(k).join('');
  if (x.length === y.length) return i < x.length && rest(x, i + 1) === rest(y, i + 1);
  return x.length < y.length ? rest(x, i) === rest(y, i + 1) : rest(x, i + 1) === rest(y, i);
}

describe('short strings: the length of the pair does not tell the original', () => {
  // Files of 4 expected strings whose lengths are short-heavy; the original is one of them, as in a test file.
  const LENS = [1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8, 10, 12, 15];
  const rng = seeded(4242);
  const pairs: [string, string][] = [];
  for (let f = 0; f < 16000; f++) {
    const strs = Array.from({ length: 4 }, () => Array.from({ length: LENS[rng(LENS.length)]! }, () => 'abcdefghij'[rng(10)]!).join(''));
    const o = strs[rng(4)]!;
    const m = mutateString(JSON.stringify(o), strs.flatMap((s) => [...s]), rng, strs.map((s) => s.length));
    expect(m.tell).toBe(false);
    pairs.push([o, JSON.parse(m.code) as string]);
  }
  const grown = (p: [string, string][]): { rate: number; n: number } => ({ rate: p.filter(([o, m]) => m.length < o.length).length / p.length, n: p.length });

  it('regression: "the shorter one is the mutant" is near a coin toss where the shorter has at most 3 characters (was 0.56 here)', () => {
    const s = grown(pairs.filter(([o, m]) => o.length !== m.length && Math.min(o.length, m.length) <= 3));
    expect(s.n).toBeGreaterThan(1500);
    expect(Math.abs(s.rate - 0.5), String(s.rate)).toBeLessThan(0.035);
  });
  it('and over all lengths; a one-character string is never emptied', () => {
    const s = grown(pairs.filter(([o, m]) => o.length !== m.length));
    expect(Math.abs(s.rate - 0.5), String(s.rate)).toBeLessThan(0.03);
    expect(pairs.some(([, m]) => m === '')).toBe(false);
  });
  it('keeps changing the length in a good share of mutants (an honest off-by-one stays excusable)', () => {
    expect(pairs.filter(([o, m]) => o.length !== m.length).length / pairs.length).toBeGreaterThan(0.3);
  });
});

describe('canary string mutation: every escape form gives a literal that parses and whose value changes by one character', () => {
  // [literal source, valid in strict code]: the mutant must parse in the same mode (strict: ES modules, 'use strict').
  const TABLE: [string, boolean][] = [
    ["'\\0a1'", true], // deleting `a` would glue `\0` and `1` into the octal escape `\01`
    ["'\\0'", true], // a digit inserted after `\0`
    ["'x\\0y'", true], // `y` substituted by a digit
    ["\"\\0\\0\"", true],
    ["'a\\\u2028b'", true], // line continuations: no character, never deleted
    ["'a\\\u2029b'", true],
    ["'a\\\rb'", true],
    ["'a\\\r\nb'", true],
    ["'a\\\nb'", true],
    ["'\\x41\\u0042\\u{43}'", true],
    ["'\\u{1F600}x\u{1F600}'", true],
    ["'it\\'s \"q\" \\\\ \\t'", true],
    ["'\\1a2'", false], // legacy octal in sloppy code: `\1` must not take a digit either
    ["'\\8x9'", false],
    ["'\\400'", false],
    ['`a$b{c}\\u{41}`', true],
  ];
  const pool = [...'0123456789abcxyz $'];
  it.each(TABLE)('%j', (src, strict) => {
    expect(cookedOf(src, strict), 'the table entry itself').not.toBeNull();
    if (strict) expect(cookedOf(src, true)).not.toBeNull();
    else expect(cookedOf(src, true)).toBeNull();
    const original = cookedOf(src, strict)!;
    const rng = seeded(src.length * 7919);
    for (let n = 0; n < 300; n++) {
      const m = mutateString(src, pool, rng);
      const v = cookedOf(m.code, strict);
      expect(v, `${JSON.stringify(src)} -> ${JSON.stringify(m.code)} does not parse`).not.toBeNull();
      expect(v, `${JSON.stringify(src)} -> ${JSON.stringify(m.code)}: the same value`).not.toBe(original);
      expect(oneEdit(original, v!), `${JSON.stringify(src)} -> ${JSON.stringify(m.code)}`).toBe(true);
      expect(m.tell).toBe(false);
    }
  });
  it('a line continuation is no character: `a\\<LS>b` is two characters, and its mutants are 1 to 3 long', () => {
    const rng = seeded(3);
    const lengths = new Set<number>();
    for (let n = 0; n < 300; n++) lengths.add([...cookedOf(mutateString("'a\\\u2028b'", pool, rng).code, true)!].length);
    expect([...lengths].sort()).toEqual([1, 2, 3]);
  });
  it('rejects a source that is not one string literal', () => {
    expect(() => mutateString("'a' + 'b'", pool)).toThrow(/not a string literal/);
  });
});

describe('canary number mutation keeps the notation', () => {
  const canon = (r: string): boolean => /^[0-9]/.test(r) && String(Number(r.replace(/_/g, ''))) === r;
  const form = (r: string): string => r.replace(/[0-9a-fA-F]/g, (c) => (/[0-9]/.test(c) ? 'd' : c === c.toUpperCase() ? 'H' : 'h')).replace(/^0x|^0X/, 'P');
  const NUMBERS = ['1e6', '1_000', '0x1F', '0xff', '.5', '1.25', '42', '0', '7', '100', '3.0e-4', '0b101', '0o17', '2.50', '12345678'];

  it('regression: the same format class both ways: never a `(n)`, canonical iff the original is, same separators/exponent/prefix', () => {
    const rng = seeded(99);
    let bigger = 0, total = 0;
    for (let n = 0; n < 3000; n++) {
      const src = NUMBERS[n % NUMBERS.length]!;
      const m = mutateNumber(src, rng);
      expect(m.tell).toBe(false);
      expect(m.code).not.toMatch(/[()-]/.test(src) ? /$^/ : /[()]/);
      expect(Number(m.code.replace(/_/g, ''))).not.toBe(Number(src.replace(/_/g, '')));
      expect(canon(m.code), `${src} -> ${m.code}`).toBe(canon(src));
      expect(m.code.length).toBe(src.length);
      expect(form(m.code.replace(/[0-9]/g, 'd')).replace(/[hH]/g, 'd')).toBe(form(src.replace(/[0-9]/g, 'd')).replace(/[hH]/g, 'd'));
      total++;
      if (Number(m.code.replace(/_/g, '')) > Number(src.replace(/_/g, ''))) bigger++;
    }
    // "the larger number is the mutant" is not a rule either (digits go up as often as down, but for 0 and 7-ish edges).
    expect(Math.abs(bigger / total - 0.5)).toBeLessThan(0.15);
  });
});

describe('canary number mutants keep their roundness (attackG: "more zeros is the original")', () => {
  it('regression: a mutant has as many zero digits as its original whenever a non-zero digit can change', () => {
    const rng = seeded(7);
    const zeros = (s: string): number => (s.match(/0/g) ?? []).length;
    for (const src of ['3720000', '187200000', '180000', '100', '1_000', '2.50', '0x100', '1e6']) {
      for (let n = 0; n < 200; n++) {
        const m = mutateNumber(src, rng);
        expect(m.tell).toBe(false);
        expect(zeros(m.code), `${src} -> ${m.code}`).toBe(zeros(src));
      }
    }
    // a number with no non-zero digit still changes (one zero made non-zero), never a tell
    expect(mutateNumber('0', rng)).toMatchObject({ tell: false });
    expect(Number(mutateNumber('0', rng).code)).not.toBe(0);
  });
});

describe('canary titles are balanced against what a patch can read', () => {
  it('regression: the copy\'s title has as many word pairs found in the visible text as its original, and its new word is one other titles use', async () => {
    const { variantTitle, visibleWords } = await import('../../../src/evaluation/canary-mutate.ts');
    const titles = ['reads quoted fields', 'reads empty lines', 'skips quoted lines', 'skips empty fields', 'keeps trailing spaces'];
    // The base files a patch reads mention "reads quoted" and "empty lines", never the hidden title itself.
    const visible = visibleWords('// the parser reads quoted values\nconst x = 1; // empty lines are kept');
    const attested = (t: string): number => t.split(' ').slice(1).filter((w, i) => visible.includes(visibleWords(`${t.split(' ')[i]} ${w}`))).length;
    const words = new Set(titles.slice(1).flatMap((t) => t.split(' ')));
    for (let n = 0; n < 200; n++) {
      const t = variantTitle('reads quoted fields', titles, new Set(titles), () => false, visible);
      expect(attested(t), t).toBe(attested('reads quoted fields'));
      const changed = t.split(' ').find((w, i) => w !== 'reads quoted fields'.split(' ')[i])!;
      expect(words.has(changed), t).toBe(true);
    }
  });
  it('never writes a `${` into a template or a leading 0 before a separator (both would not parse)', () => {
    let seed = 1;
    const rng = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let k = 0; k < 400; k++) {
      expect(mutateString('`a$b{c}`', [...'$b{c'], rng).code).not.toMatch(/(^|[^\\])\$\{/);
      expect(mutateNumber('1_000', rng).code).not.toMatch(/^0/);
    }
  });
});

describe('canary string mutation: the new character is spelled as the literal spells such characters (attackC F5)', () => {
  // The attacker's rule: a literal spelling one character both raw and escaped, raw non-ASCII beside `\u` escapes, or a needless `\{` / `\$` in a template is the mutant.
  function looksMutant(src: string): boolean {
    const body = src.slice(1, -1);
    if (/\\u[0-9a-fA-F]{4}/.test(body) && /[^\x00-\x7f]/.test(body)) return true;
    if (src[0] === '`' && /\\[{$](?!\{)/.test(body.replace(/\\\$\{/g, ''))) return true;
    if (/\\\//.test(body) && /(^|[^\\])\//.test(body)) return true;
    return false;
  }
  const oneEdit = (a: string, b: string): boolean => {
    const [x, y] = [[...a], [...b]];
    if (Math.abs(x.length - y.length) > 1 || a === b) return false;
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    const tail = (p: string[], q: string[]): boolean => p.slice(i + (p.length >= q.length ? 1 : 0)).join('') === q.slice(i + (q.length >= p.length ? 1 : 0)).join('');
    return tail(x, y);
  };
  const CASES: Array<[string, string[]]> = [
    ["'Caf\\u00e9 cr\\u00e8me br\\u00fbl\\u00e9e'", ["'Caf\\u00e9 cr\\u00e8me br\\u00fbl\\u00e9e'", "'na\\u00efve r\\u00e9sum\\u00e9'", "'cafe-creme-brulee'"]],
    ['`{"id":1,"tags":["a","b"]}`', ['`{"id":1,"tags":["a","b"]}`', '`{"id":2}`', "'x'"]],
    ["'https:\\/\\/example.com\\/a\\/b'", ["'https:\\/\\/example.com\\/a\\/b'", "'https:\\/\\/example.org\\/'", "'a-b'"]],
    ['`cost: $5 {each}`', ['`cost: $5 {each}`', "'${x} and {y} $$'"]],
  ];
  for (const [src, lits] of CASES) {
    it(`regression: the rule fires on 0 of 600 mutants of ${src} (was 13%, 5%, 6.5% on the first three); each parses and differs by one character`, () => {
      expect(looksMutant(src)).toBe(false);
      const pool = lits.flatMap((l) => [...(cookedOf(l, true) ?? '')]);
      const lengths = lits.map((l) => [...(cookedOf(l, true) ?? '')].length);
      const rng = seeded(7);
      const original = cookedOf(src, true)!;
      let fired = 0;
      for (let i = 0; i < 600; i++) {
        const m = mutateString(src, pool, rng, lengths);
        if (looksMutant(m.code)) fired++;
        const v = cookedOf(m.code, true);
        expect(v, m.code).not.toBeNull();
        expect(oneEdit(original, v!), `${m.code} vs ${src}`).toBe(true);
        expect(m.code[0]).toBe(src[0]);
      }
      expect(fired).toBe(0);
    });
  }

  it('a non-ASCII character new to a literal that escapes its non-ASCII ones is escaped in its notation; raw where the literal writes them raw', () => {
    const rng = seeded(3);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(mutateString("'\\u{E9}t\\u{E9}'", ['ü', 'ü', 'x'], rng).code);
    expect([...seen].some((c) => c.includes('\\u{FC}'))).toBe(true);
    expect([...seen].some((c) => c.includes('ü'))).toBe(false);
    for (let i = 0; i < 300; i++) expect(mutateString("'été'", ['ü'], rng).code).not.toMatch(/\\u/);
  });
});

describe('mutateString and surrogate pairs written as two escapes (attackE E2)', () => {
  const lone = (s: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
  it('never splits \\uD83D\\uDE00: every mutant value is well-formed, and the pair is edited whole', () => {
    const src = "'smile \\uD83D\\uDE00 ok'";
    const pool = [...cookedOf(src, true)!];
    const rng = seeded(515);
    let pairGone = 0;
    for (let i = 0; i < 600; i++) {
      const m = mutateString(src, pool, rng, [pool.length]);
      const v = cookedOf(m.code, true)!;
      expect(lone(v), m.code).toBe(false);
      if (!v.includes('\u{1F600}')) pairGone++;
    }
    expect(pairGone).toBeGreaterThan(0); // the pair is a place like any other character
  });

  it('keeps a lone surrogate the original has (no redraw loop, no tell)', () => {
    const m = mutateString("'a\\uD83Db'", ['a', 'b', 'c'], seeded(3), [3]);
    expect(m.tell).toBe(false);
    expect(cookedOf(m.code, true)).not.toBeNull();
  });
});
