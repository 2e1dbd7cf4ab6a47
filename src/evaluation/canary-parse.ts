// Finding a test file's own tests for the mutated canaries (canary.ts): the test calls with a
// literal title and a function body, the describe blocks around them, and the literal expected
// values of the equality assertions their bodies make at top level (always executed when the test
// passes). Parsing only: nothing here runs or evaluates the file.
import { parse } from '@babel/parser';
import { cleanName } from './parse/names.ts';
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { hookReadsOwnName, NAME_GLOBAL, readsOwnName } from './canary-own-name.ts';
import type { Spelling } from './canary-respell.ts';
import { refersTo, registeringNames, stringOf, SUITE_FNS, TEST_FNS, testAliases } from './canary-registers.ts';

/** A literal a canary may change: its source span (UTF-16 offsets into the file) and value. */
export interface ExpectedLiteral {
  start: number;
  end: number;
  value: number | string | boolean;
  /** The quote the literal is written with (`'`, `"`, or a backtick), for strings. */
  quote?: string;
  /** A number written after a unary minus (`-5`), which the span (and `value`) leave out; absent otherwise. */
  negative?: true;
}

/** One test call of the file, as a statement (`it('title', () => { … });`). */
export interface FoundTest {
  /** Span of the whole statement, semicolon included. */
  start: number;
  end: number;
  /** Span and quote of the title literal. */
  titleStart: number;
  titleEnd: number;
  quote: string;
  title: string;
  /** The describe/suite titles around it, outermost first. */
  suites: string[];
  /** Expected literals of its top-level equality assertions (empty: it cannot be mutated). */
  literals: ExpectedLiteral[];
  /** Its test function's string and numeric literals (JSX attribute values left out): what a copy may write otherwise (canary-respell.ts). */
  spellings: Spelling[];
  /** True when the body uses something a copy must not repeat (snapshots, `.only`). */
  unsafe: boolean;
}

const ASSERT_EQ = new Set(['equal', 'strictEqual', 'deepEqual', 'deepStrictEqual']);
const EXPECT_EQ = new Set(['toBe', 'toEqual', 'toStrictEqual', 'equal', 'equals', 'eql', 'strictEqual']);
const CHAIN = new Set(['to', 'be', 'deep', 'been', 'is', 'that', 'which', 'and', 'has', 'have', 'with', 'strict']);

// The babel AST, typed loosely: only the fields read below.
type N = { type: string; start: number; end: number; [k: string]: any };

/** How many parsed files `findTests` remembers (the hidden test files of the tasks a run grades). */
export const FIND_TESTS_CACHE_SIZE = 256;
const remembered = new Map<string, Parsed | null>();

/** A top-level statement of a parsed program: its babel node type (`ImportDeclaration`, `ExpressionStatement`, …) and span (UTF-16 offsets). */
export interface TopLevel {
  type: string;
  start: number;
  end: number;
  /** True when the statement holds syntax only an ES module may: an `await` (or `for await`) outside any function (a top-level await), or `import.meta` anywhere. */
  esm: boolean;
}

/** What one parse of a file gives: its tests (findTests) and its top-level statements (topLevelOf). */
interface Parsed {
  tests: FoundTest[];
  body: TopLevel[];
}

/**
 * The tests of `text` (a JS/TS test file named `file`, for its syntax plugins): test calls that
 * are statements of the program or of a describe/suite callback, whose title (and every enclosing
 * suite title) is a plain string, and whose second argument is a function. A test or suite
 * function is called by its name or by a binding of a test module's (`calleeName`: `check` of
 * `import { test as check }`, `nt.test`). Null when the file does not parse.
 * Each grading of a task parses the same test files (base commit plus test.patch, protected from
 * the patch): the answer is remembered per syntax (the plugins `file`'s extension selects) and
 * SHA-256 of `text`, for the last `FIND_TESTS_CACHE_SIZE` files, and handed out as a fresh copy,
 * so a caller's changes never reach the next caller. Pure: the same answer as parsing again.
 */
export function findTests(file: string, text: string): FoundTest[] | null {
  const parsed = parsedOf(file, text);
  return parsed === null ? null : structuredClone(parsed.tests);
}

/**
 * findTests' remembered answer itself, not a copy: deeply frozen (a change throws), for callers
 * that only read it (ids, titles, literal values), where findTests' copy was most of their cost.
 */
export function readTests(file: string, text: string): readonly Readonly<FoundTest>[] | null {
  return parsedOf(file, text)?.tests ?? null;
}

/**
 * The top-level statements of `text` (a JS/TS file named `file`), parsed as findTests parses it
 * and remembered with its answer (one parse serves both: canary-hook-import.ts reads the program
 * of the texts findTests has just read). Null when the file does not parse. A fresh copy.
 */
export function topLevelOf(file: string, text: string): TopLevel[] | null {
  const parsed = parsedOf(file, text);
  return parsed === null ? null : parsed.body.map((s) => ({ ...s }));
}

/** The remembered parse of `text` under `file`'s syntax (findTests' cache), parsing on a miss. */
function parsedOf(file: string, text: string): Parsed | null {
  const plugins = pluginsOf(file);
  const key = `${plugins.join('+')}\0${createHash('sha256').update(text).digest('hex')}`;
  let parsed = remembered.get(key);
  if (parsed === undefined) {
    parsed = parseTests(text, plugins);
    if (parsed) deepFreeze(parsed.tests);
    if (remembered.size >= FIND_TESTS_CACHE_SIZE) remembered.delete(remembered.keys().next().value!);
  } else remembered.delete(key); // re-inserted below: the least recently used goes first
  remembered.set(key, parsed);
  return parsed;
}

/** `v` and everything reachable from it frozen (plain data: findTests' tests). */
function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

/** Babel's syntax plugins for a test file named `file`: TypeScript for .ts/.cts/.mts/.tsx, JSX for .tsx and JavaScript. */
export function pluginsOf(file: string): ('typescript' | 'jsx')[] {
  const ext = extname(file);
  const ts = /^\.[cm]?tsx?$/.test(ext);
  return ts ? (ext === '.tsx' ? ['typescript', 'jsx'] : ['typescript']) : ['jsx'];
}

function parseTests(text: string, plugins: ('typescript' | 'jsx')[]): Parsed | null {
  let ast: N;
  try {
    ast = parse(text, {
      sourceType: 'unambiguous',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      plugins,
    }) as unknown as N;
  } catch {
    return null;
  }
  const found: FoundTest[] = [];
  // a test that calls a function of the file registering tests (under any name) may register subtests when run
  const { names, hooked } = registeringNames(ast);
  // a hook reading the running test's name (`beforeEach((t) => { input = inputs[t.name]; })`, or handing its context on: atkD21 A) runs around
  // every test: no copy runs as its original (atkB20 #4); so does `expect.getState()` anywhere in the file (a function of the file any test may call)
  const named = hookReadsOwnName(ast, text) || NAME_GLOBAL.test(text);
  const fnName = calleeName(testAliases(ast));
  const visit = (stmts: N[], suites: string[]): void => {
    for (const st of stmts) {
      if (st.type !== 'ExpressionStatement' || st.expression.type !== 'CallExpression') continue;
      const call = st.expression;
      const name = fnName(call.callee);
      if (name === null || call.arguments.length < 2) continue;
      const title = stringOf(call.arguments[0]);
      const fn = call.arguments[1];
      if (title === null || (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression')) continue;
      if (SUITE_FNS.has(name) && fn.body.type === 'BlockStatement') visit(fn.body.body, [...suites, title]);
      if (!TEST_FNS.has(name)) continue;
      const body: N[] = fn.body.type === 'BlockStatement' ? fn.body.body : [{ type: 'ExpressionStatement', expression: fn.body, start: fn.body.start, end: fn.body.end }];
      const src = text.slice(st.start, st.end);
      const t0 = call.arguments[0];
      found.push({
        start: st.start, end: st.end, titleStart: t0.start, titleEnd: t0.end, quote: text[t0.start]!, title, suites,
        // only the assertions after the body's last other statement: a must-fail copy stops at its changed assertion, and
        // what came after it (a release, a close) would be skipped, failing a describe's clean-up check (atkR15 #2)
        literals: body.slice(trailingAssertions(body)).flatMap((s) => expectedOf(s, text)),
        spellings: spellingsOf(fn),
        // Control characters (ANSI colours, tabs) in a title: reporters and id normalisation change
        // them, so the copy's id could not be found as written.
        // A test with subtests (atkM14 #1): node reports it as a suite (no id of its own in JUnit, none in
        // TAP read leaves-only), so a copy's failure in its own body would read as missing.
        unsafe: /Snapshot\b|\.only\b|\.skip\b|\.todo\b/.test(src) || [title, ...suites].some((t) => /[\u0000-\u001f\u007f]/.test(t)) || holdsTests(fn) || readsOwnName(fn, src) || named || hooked || refersTo(fn.body, names),
      });
    }
  };
  visit(ast.program.body, []);
  return { tests: found, body: (ast.program.body as N[]).map((s) => ({ type: s.type, start: s.start, end: s.end, esm: esmOnly(s, false) })) };
}

/**
 * The string and numeric literals under `fn`, in source order, but a JSX attribute's value (JSX
 * reads no escapes there); `nested` inside a function within `fn` other than one handed straight
 * to an assertion (`assert.throws(() => parse(''))`: called, never read as text).
 */
function spellingsOf(fn: N): Spelling[] {
  const out: Spelling[] = [];
  const walk = (n: unknown, parent: N | null, nested: boolean): void => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x, parent, nested));
    if (!n || typeof n !== 'object' || typeof (n as N).type !== 'string') return;
    const x = n as N;
    if ((x.type === 'StringLiteral' && parent?.type !== 'JSXAttribute') || x.type === 'NumericLiteral') out.push({ start: x.start, end: x.end, ...(nested ? { nested } : {}) });
    const inner = nested || (x !== fn && /Function|Method/.test(x.type) && !(parent !== null && isAssertion(parent) && parent.arguments.includes(x)));
    for (const [k, v] of Object.entries(x)) if (k !== 'loc' && k !== 'leadingComments' && k !== 'trailingComments' && k !== 'extra') walk(v, x, inner);
  };
  walk(fn, null, false);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Whether a new title (a copy's) is keyed as written in a result id: no control character, nothing
 * `cleanName` keys otherwise (a blank at an end, a trailing duration, an invisible character), so
 * it cannot fold into another test's id. A `"` is fine: canary-check.ts finds a result under node
 * 20's JUnit spelling `&quot;` too.
 */
export function idSafeTitle(t: string): boolean {
  return !/[\u0000-\u001f\u007f]/.test(t) && cleanName(t) === t;
}

/** A title as a result id of it reads once keyed (`cleanName`, `"` as node 20's JUnit writes it, `&quot;`): two titles of one key share an id. */
export function idKey(t: string): string {
  return cleanName(t).replace(/"/g, '&quot;');
}

/** Whether `n` holds syntax only an ES module may: `import.meta` anywhere, or (`inFunction` false) an `await` expression or `for await` loop not inside a function (or class) of its own. */
function esmOnly(n: unknown, inFunction: boolean): boolean {
  if (Array.isArray(n)) return n.some((x) => esmOnly(x, inFunction));
  if (!n || typeof n !== 'object' || typeof (n as N).type !== 'string') return false;
  const node = n as N;
  if (node.type === 'MetaProperty' && node.meta?.name === 'import') return true;
  if (!inFunction && (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await))) return true;
  const inner = inFunction || /Function|Class|Method/.test(node.type);
  return Object.entries(node).some(([k, v]) => k !== 'loc' && k !== 'leadingComments' && k !== 'trailingComments' && esmOnly(v, inner));
}

/**
 * The function a test call's callee names, by `aliases` (canary-registers.ts `testAliases`): a
 * plain name as written, or the registering function it is bound to (`check` of `import { test as
 * check }` is `test`; a whole node:test module, `nodeTest(…)`, is `test`); a member of a
 * whole-module binding by its property (`nt.describe`). Null for any other callee.
 */
function calleeName(aliases: ReadonlyMap<string, string>): (callee: N) => string | null {
  return (callee) => {
    if (callee.type === 'Identifier') {
      const to = aliases.get(callee.name);
      return to === undefined || to === '.' ? callee.name : to === '*' ? 'test' : to;
    }
    const whole = callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' ? aliases.get(callee.object.name) : undefined;
    return (whole === '*' || whole === '.') && callee.property.type === 'Identifier' ? callee.property.name : null;
  };
}

/** Members of node:test's test context a test may use without registering tests (`t.assert`, `t.mock`, …). */
const CONTEXT_SAFE = new Set(['assert', 'mock', 'diagnostic', 'plan', 'name', 'fullName', 'signal', 'before', 'after', 'beforeEach', 'afterEach', 'timeout', 'slow', 'retries', 'currentTest', 'done']);

/**
 * Whether function `fn` (a test's callback) may register tests or suites inside, failing closed
 * (atkN14 #2: a helper given `t`, `t['test']`): a call of `it`, `test`, `specify`, `describe`,
 * `suite` or `context` by name anywhere in its body; its first parameter (node:test's context,
 * mocha's `done`) used other than as `<param>.<member>` of CONTEXT_SAFE or called (`done()`), or not
 * a plain name (destructured); `this` of a `function` callback (node's context as well) used other
 * than as `this.<member>` of CONTEXT_SAFE; `arguments` used. A function declared outside the test
 * that registers tests is canary-registers.ts' `registeringNames`' concern.
 */
function holdsTests(fn: N): boolean {
  const first: N | undefined = fn.params?.[0];
  if (first !== undefined && first.type !== 'Identifier') return true;
  const ctx: string | null = first?.name ?? null;
  const seen = (n: unknown, parent: N | null, key: string): boolean => {
    if (n === null || typeof n !== 'object') return false;
    if (Array.isArray(n)) return n.some((c) => seen(c, parent, key));
    const x = n as N;
    if (x.type === 'CallExpression' && x.callee.type === 'Identifier' && (TEST_FNS.has(x.callee.name) || SUITE_FNS.has(x.callee.name))) return true;
    // a `function` callback's `this` is node:test's context too (atkO15 #5: `this.test(…)`)
    const self = x.type === 'ThisExpression' && fn.type === 'FunctionExpression';
    if (self || (x.type === 'Identifier' && (x.name === 'arguments' || (ctx !== null && x.name === ctx)))) {
      if (x.name === 'arguments') return true;
      const member = parent?.type === 'MemberExpression' && key === 'object' && !parent.computed && parent.property.type === 'Identifier' && CONTEXT_SAFE.has(parent.property.name);
      const called = parent?.type === 'CallExpression' && key === 'callee';
      // a property key or a member named like it (`x.t`, `{ t: 1 }`) is not the parameter
      const notRef = (parent?.type === 'MemberExpression' && key === 'property' && !parent.computed) || (parent?.type === 'ObjectProperty' && key === 'key' && !parent.computed);
      if (!member && !called && !notRef) return true;
    }
    for (const k of Object.keys(x)) if (k !== 'loc' && k !== 'start' && k !== 'end' && seen(x[k], x, k)) return true;
    return false;
  };
  return seen(fn.body, null, 'body');
}

/** Names an assertion's call starts from (`assert.equal`, `expect(x).toBe`, `t.assert.ok`, `should`, chai's `assert`). */
const ASSERTS = new Set(['assert', 'expect', 'should', 'chai']);

/** Whether `e` is a call of an assertion: its callee starts from ASSERTS or goes through `.assert` (`assert.throws(…)`, `expect(…).toThrow()`, `t.assert.equal(…)`). */
function isAssertion(e: N): boolean {
  if (e.type !== 'CallExpression') return false;
  for (let c: N = e.callee; ; ) {
    if (c.type === 'Identifier') return ASSERTS.has(c.name);
    if (c.type === 'MemberExpression') {
      if (!c.computed && c.property.type === 'Identifier' && c.property.name === 'assert') return true;
      c = c.object;
    } else if (c.type === 'CallExpression') c = c.callee;
    else return false;
  }
}

/** The index of the first statement of `body`'s trailing run of assertions (statements calling `assert…`/`expect(…)…`, awaited or not). */
function trailingAssertions(body: N[]): number {
  const asserts = (st: N): boolean => st.type === 'ExpressionStatement' && isAssertion(st.expression.type === 'AwaitExpression' ? st.expression.argument : st.expression);
  let i = body.length;
  while (i > 0 && asserts(body[i - 1]!)) i--;
  return i;
}

/** The literals of a statement's expected value when it is an equality assertion (`assert.equal(x, LIT)`, `expect(x).toBe(LIT)`). */
function expectedOf(st: N, text: string): ExpectedLiteral[] {
  if (st.type !== 'ExpressionStatement') return [];
  let e = st.expression;
  if (e.type === 'AwaitExpression') e = e.argument;
  if (e.type !== 'CallExpression' || e.callee.type !== 'MemberExpression' || e.callee.computed) return [];
  const method: string = e.callee.property.name;
  let expected: N | undefined;
  if (ASSERT_EQ.has(method) && (e.callee.object.type === 'Identifier' || e.callee.object.type === 'MemberExpression') && !isExpectChain(e.callee.object) && e.arguments.length >= 2) {
    expected = e.arguments[1];
  } else if (EXPECT_EQ.has(method) && isExpectChain(e.callee.object) && e.arguments.length >= 1) {
    expected = e.arguments[0];
  }
  return expected ? literalsOf(expected, text) : [];
}

/** True for `expect(x)` followed only by chai's connecting words (`.to.deep`), never `.not`. */
function isExpectChain(n: N): boolean {
  while (n.type === 'MemberExpression' && !n.computed && CHAIN.has(n.property.name)) n = n.object;
  return n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'expect';
}

/**
 * The literals of a value made only of literals, `undefined`, `null`, arrays and plain object
 * properties; none otherwise. `undefined` and `null` are no literal to change: every mutant of them
 * tried told its original (`false`: no literal's mutant is ever `undefined`, atkB23 #1; each other:
 * a file spells a missing value one way, atkC23 #1), and assertions loose about them
 * (`assert.equal`) are told apart from strict ones only by where `assert` came from (atkC23 #2).
 */
function literalsOf(n: N, text: string): ExpectedLiteral[] {
  const out: ExpectedLiteral[] = [];
  const walk = (x: N): boolean => {
    if (x.type === 'NumericLiteral' || x.type === 'BooleanLiteral') out.push({ start: x.start, end: x.end, value: x.value });
    else if (x.type === 'StringLiteral') out.push({ start: x.start, end: x.end, value: x.value, quote: text[x.start] });
    else if (x.type === 'UnaryExpression' && x.operator === '-' && x.argument.type === 'NumericLiteral') out.push({ start: x.argument.start, end: x.argument.end, value: x.argument.value, negative: true });
    else if (x.type === 'NullLiteral' || (x.type === 'Identifier' && x.name === 'undefined')) return true;
    else if (x.type === 'ArrayExpression') return x.elements.every((el: N | null) => el !== null && walk(el));
    else if (x.type === 'ObjectExpression') return x.properties.every((p: N) => p.type === 'ObjectProperty' && !p.computed && !p.shorthand && walk(p.value));
    else return false;
    return true;
  };
  return walk(n) ? out : [];
}
