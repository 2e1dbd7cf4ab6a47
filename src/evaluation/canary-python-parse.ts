// Finding a Python test file's own tests for pytest's canaries (canary-python.ts), by its text: a
// scanner that knows Python's strings (prefixes, triple quotes, f-string fields), brackets,
// comments and backslash continuations, so it tells logical lines and indented blocks exactly;
// a file it cannot scan so (tabs in indentation, CR line ends, an f-string field with a comment or
// a quoted format spec, unbalanced brackets) gives null. Parsing only: nothing here runs the file.
import type { ExpectedLiteral } from './canary-parse.ts';
import { setupReadsItsTest } from './canary-python-setup.ts';

/** One test function of the file: `def test…(…):` at module level, or a method of a module-level `class Test…`. */
export interface PyTest {
  /** Span of its whole lines (UTF-16 offsets): from its first decorator's line start to the end of its last statement's line (newline excluded). */
  start: number;
  end: number;
  /** Span of the function's name on its `def` line. */
  nameStart: number;
  nameEnd: number;
  name: string;
  /** The enclosing `class Test…` name, or null at module level. */
  cls: string | null;
  /** Blank lines right above its first line (how the file spaces its tests there). */
  blankAbove: number;
  /** Expected literals of its top-level `assert <expr> == <literal>` lines (empty: it cannot be mutated). */
  literals: ExpectedLiteral[];
  /** True when a copy of it must not be made: skip/xfail marks or calls, a fixture, a generator, a name-keyed store (`request`, snapshots, `*_regression`), a read of its own name (`self._testMethodName`, `self.id()`, PYTEST_CURRENT_TEST, its frame). */
  unsafe: boolean;
}

/** What in a test's body reads its own name: unittest's `_testMethodName`, `self.id()`, pytest's PYTEST_CURRENT_TEST, its frame (`sys._getframe`, `inspect.currentframe`, `inspect.stack`, `co_name`). */
const OWN_NAME = /\b(?:_testMethodName|PYTEST_CURRENT_TEST|_getframe|currentframe|co_name)\b|\binspect\s*\.\s*stack\b|\bself\s*\.\s*id\s*\(/;

/**
 * Whether Python `text` reads the running test's name outside a test's body: OWN_NAME anywhere, a
 * fixture's `request.node` / `request.function`, a `setup_method(self, method)` or
 * `setup_function(fn)` using its test parameter in any way (canary-python-setup.ts, atkD21 B). Such code runs around every test of the file (or,
 * in a conftest.py, of every file below it: see also {@link conftestReadsTestNames}).
 */
export function readsTestNames(text: string): boolean {
  return OWN_NAME.test(text) || /\brequest\s*\.\s*(?:node|function|_pyfuncitem)\b|\b_pyfuncitem\b/.test(text) || setupReadsItsTest(text);
}

/** What a fixture may read of `request.node` (or `request.function`) without reading the test's name: markers, config, paths, the module and class. */
const NODE_HARMLESS = '(?:get_closest_marker|iter_markers|iter_markers_with_node|add_marker|keywords|config|path|fspath|module|cls|session|own_markers|parent|add_report_section)';

/**
 * Whether a conftest.py's (or a pytest plugin module's) `text` reads the names of the tests it runs
 * around: OWN_NAME, a setup_method/setup_function using its test, `request.node` / `request.function`
 * / `_pyfuncitem` used other than for its markers, config or paths (`request.node.name`, passed on
 * whole), `node.name`/`nodeid`. A collection or run hook reading `item.name`/`item.nodeid` (marking or
 * skipping by path or name, in most large repositories) does not count: a copy differs from its
 * original by one word of its name, and counting it dropped every host below to the synthetic pair,
 * which a flipper acting only on tests that call project code passes (atkE21 C, atkG21 F).
 */
export function conftestReadsTestNames(text: string): boolean {
  return OWN_NAME.test(text) || setupReadsItsTest(text)
    || new RegExp(`\\b(?:request\\s*\\.\\s*(?:node|function|_pyfuncitem)|_pyfuncitem)\\b(?!\\s*\\.\\s*${NODE_HARMLESS}\\b)`).test(text)
    || /\b(?:node|pyfuncitem)\s*\.\s*(?:name|nodeid|originalname|function)\b/.test(text);
}

class Abort extends Error {}
const PREFIX = /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])?$/;
const IDENT_CH = /[\p{L}\p{N}_]/u;

/**
 * Offsets of the newlines that do not end a logical line (inside brackets, strings or after a
 * backslash). Throws Abort on what it cannot follow exactly.
 */
function joinedNewlines(text: string): Set<number> {
  const inside = new Set<number>();
  let i = 0;
  const str = (q: string, prefix: string): void => {
    const triple = text.startsWith(q.repeat(3), i);
    const f = /[fF]/.test(prefix);
    i += triple ? 3 : 1;
    for (;;) {
      if (i >= text.length) throw new Abort();
      const c = text[i]!;
      if (c === '\\') { if (text[i + 1] === '\n') inside.add(i + 1); i += 2; continue; }
      if (c === '\n') { if (!triple) throw new Abort(); inside.add(i); i++; continue; }
      if (triple ? text.startsWith(q.repeat(3), i) : c === q) { i += triple ? 3 : 1; return; }
      if (f && (c === '{' || c === '}')) {
        if (text[i + 1] === c) { i += 2; continue; }
        if (c === '}') throw new Abort();
        i++;
        code(true);
        continue;
      }
      i++;
    }
  };
  // An f-string field's format spec: plain text and nested fields up to the field's `}`.
  const spec = (): void => {
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\\' || c === '\n' || c === "'" || c === '"') throw new Abort();
      i++;
      if (c === '}') return;
      if (c === '{') code(true);
    }
  };
  /** Code up to the end of the text, or (`field`) up to an f-string field's closing `}`. */
  const code = (field: boolean): void => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '#') { if (field) throw new Abort(); while (i < text.length && text[i] !== '\n') i++; continue; }
      if (c === '\\') { if (text[i + 1] !== '\n') throw new Abort(); inside.add(i + 1); i += 2; continue; }
      if (c === '\n') { if (depth > 0 || field) inside.add(i); i++; continue; }
      if (c === "'" || c === '"') {
        let j = i;
        while (j > 0 && IDENT_CH.test(text[j - 1]!)) j--;
        if (!PREFIX.test(text.slice(j, i))) throw new Abort();
        str(c, text.slice(j, i));
        continue;
      }
      if (field && depth === 0 && c === '}') { i++; return; }
      if (field && depth === 0 && c === ':') { i++; spec(); return; }
      if (c === '(' || c === '[' || c === '{') depth++;
      if (c === ')' || c === ']' || c === '}') if (--depth < 0) throw new Abort();
      i++;
    }
    if (field || depth !== 0) throw new Abort();
  };
  code(false);
  return inside;
}

interface Logical {
  /** First and last physical line (0-based). */
  first: number;
  last: number;
  indent: number;
  /** The first physical line's text. */
  head: string;
  /** Blank or a comment only. */
  blank: boolean;
  multi: boolean;
}

/**
 * The test functions of `text` (a Python test file, as pytest collects them by default: `test*`
 * functions at module level and in `Test*` classes; `async def` and a `def` whose header spans
 * lines are left out). Null when the file cannot be scanned exactly (see the file comment).
 * `namedFromOutside`: code outside the file (a conftest.py above it) reads its tests' names, so
 * every test is `unsafe`, as when the file itself does ({@link readsTestNames}).
 */
export function findPythonTests(text: string, namedFromOutside = false): PyTest[] | null {
  if (text.includes('\r')) return null;
  // the name read anywhere in the file (a setUp, an autouse fixture's `request.node`), or by a conftest.py above it, runs around every test: no copy runs as its original (atkB20 #4)
  const namedAround = namedFromOutside || readsTestNames(text);
  let inside: Set<number>;
  try {
    inside = joinedNewlines(text);
  } catch (e) {
    if (e instanceof Abort) return null;
    throw e;
  }
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineText = (k: number): string => text.slice(starts[k]!, k + 1 < starts.length ? starts[k + 1]! - 1 : text.length);
  const lineEnd = (k: number): number => starts[k]! + lineText(k).length;
  const logical: Logical[] = [];
  for (let k = 0; k < starts.length; k++) {
    if (k > 0 && inside.has(starts[k]! - 1)) { logical.at(-1)!.last = k; logical.at(-1)!.multi = true; continue; }
    const head = lineText(k);
    const ws = /^[ \t\f]*/.exec(head)![0];
    const blank = head.trim() === '' || head.trimStart().startsWith('#');
    if (!blank && /[\t\f]/.test(ws)) return null;
    logical.push({ first: k, last: k, indent: ws.length, head, blank, multi: false });
  }
  const tests: PyTest[] = [];
  /** The block of logical line `n` (its deeper lines after it): index past its last statement. */
  const blockEnd = (n: number): number => {
    let last = n;
    for (let m = n + 1; m < logical.length; m++) {
      if (logical[m]!.blank) continue;
      if (logical[m]!.indent <= logical[n]!.indent) break;
      last = m;
    }
    return last;
  };
  const scanLevel = (from: number, to: number, indent: number, cls: string | null): void => {
    for (let n = from; n <= to; n++) {
      const l = logical[n]!;
      if (l.blank || l.indent !== indent) continue;
      const end = blockEnd(n);
      const cm = /^class\s+(Test\w*)\s*(?:\([^()]*\))?\s*:\s*(?:#.*)?$/.exec(l.head.trim());
      // A class pytest may not run as a whole (`__test__`, a skip/xfail mark on it or in its `pytestmark`) lends no tests.
      const marked = cm && (/\b(?:skip\w*|xfail)\b/.test(decoratorsOf(n)) || /\b__test__\b|^\s*pytestmark\b/m.test(text.slice(starts[l.first]!, lineEnd(logical[end]!.last))));
      if (cls === null && cm && !marked && !l.multi && end > n) {
        const body = logical.slice(n + 1, end + 1).find((x) => !x.blank)!;
        scanLevel(n + 1, end, body.indent, cm[1]!);
      }
      const dm = /^def\s+(test\w*)\s*\(.*\)\s*(?:->[^:]*)?:\s*(?:#.*)?$/.exec(l.head.slice(indent));
      if (dm && !l.multi && end > n) tests.push(testAt(n, end, dm[1]!, cls));
      n = end;
    }
  };
  /** The first logical line of `n`'s decorators (at its indentation; blank and comment lines between them kept with them), or `n`. */
  const firstOf = (n: number): number => {
    let first = n;
    for (let m = n - 1; m >= 0; m--) {
      const x = logical[m]!;
      if (x.blank) continue;
      if (x.indent !== logical[n]!.indent || !x.head.trimStart().startsWith('@')) break;
      first = m;
    }
    return first;
  };
  const decoratorsOf = (n: number): string => text.slice(starts[logical[firstOf(n)]!.first]!, starts[logical[n]!.first]!);
  const testAt = (n: number, end: number, name: string, cls: string | null): PyTest => {
    const l = logical[n]!;
    const first = firstOf(n);
    let blankAbove = 0;
    for (let k = logical[first]!.first - 1; k >= 0 && lineText(k).trim() === ''; k--) blankAbove++;
    const decorators = decoratorsOf(n);
    const bodyLines = logical.slice(n + 1, end + 1).filter((x) => !x.blank);
    const bodyText = text.slice(starts[l.first]!, lineEnd(logical[end]!.last));
    // A copy must run as its original does: not under a name-keyed store (snapshots, regression files, the requesting node's name),
    // nor reading its own name (atkA20 #3: unittest's `self._testMethodName`, `self.id()`; pytest's PYTEST_CURRENT_TEST; its frame's code name).
    const unsafe = /\b(?:skip\w*|xfail|expectedFailure|fixture|flaky)\b/.test(decorators) || /\b(?:skip|xfail|importorskip|yield|request|snapshot\w*|\w+_regression)\b/.test(bodyText) || OWN_NAME.test(bodyText) || namedAround;
    const literals: ExpectedLiteral[] = [];
    const inner = bodyLines[0]!.indent;
    for (const b of bodyLines) {
      // Past a `return` (at any depth) a test may pass without running its later asserts.
      if (/^return\b/.test(b.head.trimStart())) break;
      if (b.indent !== inner) continue;
      const stmt = b.head.slice(inner);
      if (/^(?:raise|yield|break|continue)\b/.test(stmt)) break;
      const call = /^self\.assertEquals?(?=\()/.exec(stmt)?.[0].length ?? 0;
      if (b.multi || (!call && !stmt.startsWith('assert '))) continue;
      const at = call || 7;
      const lit = call ? assertEqualLiteral(stmt.slice(at)) : assertLiteral(stmt.slice(at));
      if (lit) literals.push({ ...lit, start: lit.start + starts[b.first]! + inner + at, end: lit.end + starts[b.first]! + inner + at });
    }
    const nameStart = starts[l.first]! + l.indent + l.head.slice(l.indent).indexOf(name, 4);
    return { start: starts[logical[first]!.first]!, end: lineEnd(logical[end]!.last), nameStart, nameEnd: nameStart + name.length, name, cls, blankAbove, literals, unsafe };
  };
  scanLevel(0, logical.length - 1, 0, null);
  return tests;
}

type Tok = { kind: 'str' | 'num' | 'name' | 'op'; text: string; start: number; end: number };
const OPS = ['**=', '//=', '>>=', '<<=', '==', '!=', '<=', '>=', ':=', '->', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@='];
const NUM = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)(?![\w.])/;
const PY_NUMBER = /^(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO][0-7](?:_?[0-7])*|0[bB][01](?:_?[01])*|(?:0(?:_?0)*|[1-9](?:_?\d)*)|\d(?:_?\d)*\.\d(?:_?\d)*(?:[eE][+-]?\d+)?|\d(?:_?\d)*[eE][+-]?\d+)$/;
/** Whether `src` is a Python int or float literal (no sign, no imaginary part), as a number mutant must be. */
export const isPythonNumber = (src: string): boolean => PY_NUMBER.test(src);
/** Whether `src` is a plain one-line Python string literal (no prefix) whose escapes are only `\'`, `\"`, `\\`, `\n`, `\t`, `\r`. */
export const isPlainPythonString = (src: string): boolean => /^(?:'(?:[^\\'\n]|\\['"\\ntr])*'|"(?:[^\\"\n]|\\['"\\ntr])*")$/.test(src) && src.length >= 2;

/** Tokens of one assert expression; null when it holds a string this reader does not take (prefixed, triple-quoted, with escapes). */
function tokens(s: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ') { i++; continue; }
    if (c === '#') break;
    if (c === "'" || c === '"') {
      const m = (c === "'" ? /^'[^'\\\n]*'/ : /^"[^"\\\n]*"/).exec(s.slice(i));
      if (!m || s.startsWith(c.repeat(3), i)) return null;
      out.push({ kind: 'str', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    const num = /[0-9]/.test(c) ? NUM.exec(s.slice(i)) : null;
    if (num) { out.push({ kind: 'num', text: num[0], start: i, end: i + num[0].length }); i += num[0].length; continue; }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(s.slice(i));
    if (name) {
      if (s[i + name[0].length] === "'" || s[i + name[0].length] === '"') return null;
      out.push({ kind: 'name', text: name[0], start: i, end: i + name[0].length });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i)) ?? c;
    out.push({ kind: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  return out;
}

const STOP_WORDS = new Set(['is', 'in', 'not', 'and', 'or', 'if', 'else', 'lambda', 'for']);
const STOP_OPS = new Set([',', '!=', '<', '>', '<=', '>=', ':=', ':', ';', '=']);

/**
 * The expected literal of an assert expression `s` (the text after `assert `): `s` is
 * `<expr> == <literal>` or `<literal> == <expr>` with one `==` at bracket depth 0 and no other
 * comparison, boolean operator, message or conditional there, the literal being a whole side: an
 * int or float (a leading `-` left out of its span), a plain string, `True` or `False`. Offsets are
 * into `s`. Null otherwise.
 */
export function assertLiteral(s: string): ExpectedLiteral | null {
  const toks = tokens(s);
  if (!toks?.length) return null;
  let depth = 0;
  let eq = -1;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'op' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'op' && ')]}'.includes(t.text)) { if (--depth < 0) return null; }
    else if (depth === 0 && ((t.kind === 'name' && STOP_WORDS.has(t.text)) || (t.kind === 'op' && STOP_OPS.has(t.text)))) return null;
    else if (depth === 0 && t.kind === 'op' && t.text === '==') { if (eq >= 0) return null; eq = k; }
  }
  if (depth !== 0 || eq <= 0 || eq === toks.length - 1) return null;
  return literalOf(toks.slice(eq + 1)) ?? literalOf(toks.slice(0, eq));
}

/**
 * The expected literal of a unittest `self.assertEqual` call, `s` being its argument list
 * (`(<expr>, <literal>)`, one line): exactly two arguments, one of them a whole literal (as
 * {@link assertLiteral} takes them; the second first). Offsets are into `s`. Null otherwise.
 */
export function assertEqualLiteral(s: string): ExpectedLiteral | null {
  const toks = tokens(s);
  if (!toks?.length || toks[0]!.text !== '(' || toks.at(-1)!.text !== ')') return null;
  const args: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks.slice(1, -1)) {
    if (t.kind === 'op' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'op' && ')]}'.includes(t.text)) { if (--depth < 0) return null; }
    else if (depth === 0 && t.kind === 'op' && (t.text === '=' || t.text === ':=' || t.text === '*' || t.text === '**')) return null;
    if (depth === 0 && t.kind === 'op' && t.text === ',') { args.push([]); continue; }
    args.at(-1)!.push(t);
  }
  if (depth !== 0 || args.length !== 2 || !args[0]!.length || !args[1]!.length) return null;
  return literalOf(args[1]!) ?? literalOf(args[0]!);
}

/** The literal `ts` is as a whole: an int or float (a leading `-` left out of its span), a plain string, `True` or `False`; else null. */
function literalOf(ts: Tok[]): ExpectedLiteral | null {
  const [a, b] = ts;
  const negative = ts.length === 2 && a!.kind === 'op' && a!.text === '-' && b!.kind === 'num';
  if (negative) ts = [b!];
  else if (ts.length !== 1) return null;
  const t = ts[0]!;
  if (t.kind === 'num' && isPythonNumber(t.text)) return { start: t.start, end: t.end, value: Number(t.text.replace(/_/g, '')), ...(negative ? { negative } : {}) };
  if (t.kind === 'str') return { start: t.start, end: t.end, value: t.text.slice(1, -1), quote: t.text[0]! };
  if (t.kind === 'name' && (t.text === 'True' || t.text === 'False')) return { start: t.start, end: t.end, value: t.text === 'True' };
  return null;
}
