// Whether a JS/TS test, or code running around it, reads the running test's own name (canary-parse.ts):
// a canary copy runs under another title, so a test keyed by its title (`inputs[t.name]`) runs
// otherwise in the copy and an honest patch would read `tampered` (atkA20 #3, atkB20 #4). Such tests
// are never copied. Fails closed: a test's or hook's context handed on, destructured, aliased or
// read by a computed member counts as read (atkD21 A). Parsing only: nothing here runs the file.

// The babel AST, typed loosely: only the fields read below.
type N = { type: string; start: number; end: number; [k: string]: any };

/** Members of a test's context (its first parameter, or `this` in a `function` callback) that give the running test's own name or title (node:test's `t.name`/`t.fullName`, mocha's `this.test`/`this.currentTest`, vitest's `ctx.task`). */
const OWN_NAME = new Set(['name', 'fullName', 'test', 'currentTest', 'task', 'title']);

/**
 * What reads the running test's name without its context, by text (in strings and comments too):
 * jest/vitest's `expect.getState()` (`currentTestName`), vitest's `getCurrentTest()`, mocha's
 * `currentTest`, playwright's `test.info()`. Anywhere in a test file, or in a local module it imports
 * (canary-own-name-imports.ts), any test of the file may reach it through a function of the module.
 */
export const NAME_GLOBAL = /\bexpect\s*\.\s*getState\b|\btest\s*\.\s*info\s*\(|\bcurrentTest(?:Name)?\b|\bgetCurrentTest\b/;

/**
 * Whether test callback `fn` (source `src`, the whole statement) reads its own name: a member of
 * OWN_NAME of its first parameter or of a `function` callback's `this`, or NAME_GLOBAL in `src`.
 * (Its context handed on otherwise is canary-parse.ts `holdsTests`' concern: the test is then
 * unsafe all the same.)
 */
export function readsOwnName(fn: N, src: string): boolean {
  if (NAME_GLOBAL.test(src)) return true;
  const ctx: string | null = fn.params?.[0]?.type === 'Identifier' ? fn.params[0].name : null;
  const walk = (n: unknown): boolean => {
    if (n === null || typeof n !== 'object') return false;
    if (Array.isArray(n)) return n.some(walk);
    const x = n as N;
    if (x.type === 'MemberExpression' && !x.computed && x.property.type === 'Identifier' && OWN_NAME.has(x.property.name)) {
      const o = x.object;
      if ((o.type === 'Identifier' && o.name === ctx) || (o.type === 'ThisExpression' && fn.type !== 'ArrowFunctionExpression')) return true;
    }
    return Object.keys(x).some((k) => k !== 'loc' && k !== 'start' && k !== 'end' && walk(x[k]));
  };
  return walk(fn.body);
}

/** Hook registrations of mocha, jest, vitest, jasmine and node:test (BDD and TDD names). */
const HOOKS = new Set(['before', 'after', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll', 'setup', 'teardown', 'suiteSetup', 'suiteTeardown']);

/**
 * Members of a hook's context (any parameter, or `this` of a `function` hook) read as harmless: none
 * gives the test's name. node:test's `t.assert`, `t.mock`, `t.diagnostic`, `t.signal`, `t.plan`,
 * `t.skip()`/`t.todo()` (the copy is skipped as its original); mocha's `this.timeout()`/`this.slow()`/
 * `this.retries()`/`this.skip()`; vitest's `ctx.expect`, `ctx.skip()`, `ctx.onTestFailed()`/`ctx.onTestFinished()`
 * (their callbacks get the test: read as any other function of the hook is, by NAME_GLOBAL's text
 * and these rules only as far as they reach). A parameter called (`done()`) is harmless too.
 */
const HOOK_SAFE = new Set(['assert', 'mock', 'diagnostic', 'signal', 'plan', 'skip', 'todo', 'timeout', 'slow', 'retries', 'expect', 'onTestFailed', 'onTestFinished']);

/**
 * Whether hook callback `fn` (a function node) may read the running test's name, failing closed
 * (atkD21 A): {@link readsOwnName}; a parameter that is not a plain name (destructured
 * `({ task })`, a rest, a default); a parameter, or `this` of a non-arrow function, used other than
 * as `<it>.<member>` of HOOK_SAFE or called (`done()`) — passed to a call (`pick(t)`), aliased
 * (`const c = t`), spread, read by a computed member (`t['name']`), returned; `arguments` used.
 */
export function hookCallbackReadsName(fn: N, text: string): boolean {
  if (readsOwnName(fn, text.slice(fn.start, fn.end))) return true;
  const params: N[] = fn.params ?? [];
  if (params.some((p) => p.type !== 'Identifier')) return true;
  const names = new Set(params.map((p) => p.name as string));
  const self = fn.type !== 'ArrowFunctionExpression';
  const seen = (n: unknown, parent: N | null, key: string): boolean => {
    if (n === null || typeof n !== 'object') return false;
    if (Array.isArray(n)) return n.some((c) => seen(c, parent, key));
    const x = n as N;
    if (x.type === 'Identifier' && x.name === 'arguments' && self) return true;
    if ((x.type === 'ThisExpression' && self) || (x.type === 'Identifier' && names.has(x.name))) {
      const member = parent?.type === 'MemberExpression' && key === 'object' && !parent.computed && parent.property.type === 'Identifier' && HOOK_SAFE.has(parent.property.name);
      const called = parent?.type === 'CallExpression' && key === 'callee';
      // a property key or a member named like it (`x.t`, `{ t: 1 }`) is not the parameter
      const notRef = (parent?.type === 'MemberExpression' && key === 'property' && !parent.computed) || ((parent?.type === 'ObjectProperty' || parent?.type === 'ObjectMethod') && key === 'key' && !parent.computed);
      if (!member && !called && !notRef) return true;
    }
    for (const k of Object.keys(x)) if (k !== 'loc' && k !== 'start' && k !== 'end' && seen(x[k], x, k)) return true;
    return false;
  };
  return seen(fn.body, null, 'body');
}

/** Hook names no other API has: a member so named (`t.beforeEach`, `nt.afterAll`) is a hook; `x.before(…)`/`x.after(…)` may be a DOM's or a library's, and only a function given to it is read. */
const EACH_ALL = /^(?:before|after)(?:Each|All)$/;

/** Whether module specifier `spec` names a package (`vitest`, `@testing-library/react`, `node:test`), not a local file (`./x`, `../x`, `/x`). */
const isPackage = (spec: string): boolean => !/^[./]/.test(spec);

/**
 * Whether a hook anywhere in `ast` (source `text`) may read the running test's name
 * ({@link hookCallbackReadsName}): a hook is a call of a HOOKS name, of a member so named
 * (`t.beforeEach`; `x.before(…)`, `x.setup(…)`: only an inline function or a function of the file given to it is read),
 * or of a local name a HOOKS export is imported or required as (`{ beforeEach as be }`).
 * Its arguments that can be a callback: an inline function; a name of a function declared in the
 * file (any scope; each so named is read, atkC20 #3); a name, or a member of a name, imported from a
 * package (`afterEach(cleanup)` of `@testing-library/react`: harmless). Any other argument (a
 * function of a local module, a parameter, a call's result) counts as reading the name: it gets the
 * test's context unseen. Strings, numbers, templates and objects (a title, node's options) are no callback.
 */
export function hookReadsOwnName(ast: N, text: string): boolean {
  const fns = new Map<string, N[]>();
  const fromPackage = new Set<string>();
  const hooks = new Set(HOOKS);
  const add = (name: string, f: N): void => void fns.set(name, [...(fns.get(name) ?? []), f]);
  const isFn = (x: N | null | undefined): boolean => x?.type === 'ArrowFunctionExpression' || x?.type === 'FunctionExpression';
  const collect = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(collect);
    const x = n as N;
    if (x.type === 'FunctionDeclaration' && x.id) add(x.id.name, x);
    if (x.type === 'VariableDeclarator' && x.id.type === 'Identifier' && isFn(x.init)) add(x.id.name, x.init);
    if (x.type === 'ImportDeclaration') {
      for (const s of x.specifiers as N[]) {
        if (isPackage(x.source.value)) fromPackage.add(s.local.name);
        if (s.type === 'ImportSpecifier' && HOOKS.has(s.imported.name ?? s.imported.value)) hooks.add(s.local.name);
      }
    }
    // `const { beforeEach: be } = require('…')`, `const x = require('pkg')`
    if (x.type === 'VariableDeclarator' && x.init?.type === 'CallExpression' && x.init.callee.type === 'Identifier' && x.init.callee.name === 'require' && x.init.arguments[0]?.type === 'StringLiteral') {
      const pkg = isPackage(x.init.arguments[0].value);
      if (x.id.type === 'Identifier' && pkg) fromPackage.add(x.id.name);
      if (x.id.type === 'ObjectPattern') {
        for (const p of x.id.properties as N[]) {
          if (p.type !== 'ObjectProperty' || p.value.type !== 'Identifier') continue;
          if (pkg) fromPackage.add(p.value.name);
          if (!p.computed && p.key.type === 'Identifier' && HOOKS.has(p.key.name)) hooks.add(p.value.name);
        }
      }
    }
    for (const k of Object.keys(x)) if (k !== 'loc' && k !== 'start' && k !== 'end') collect(x[k]);
  };
  collect(ast.program.body);
  const reads = (a: N): boolean => {
    if (/Literal$/.test(a.type) || a.type === 'ObjectExpression') return false;
    if (isFn(a)) return hookCallbackReadsName(a, text);
    if (a.type === 'Identifier') {
      const own = fns.get(a.name);
      if (own) return own.some((f) => hookCallbackReadsName(f, text));
      return !fromPackage.has(a.name);
    }
    if (a.type === 'MemberExpression' && !a.computed && a.object.type === 'Identifier' && fromPackage.has(a.object.name)) return false;
    return true;
  };
  const walk = (n: unknown): boolean => {
    if (n === null || typeof n !== 'object') return false;
    if (Array.isArray(n)) return n.some(walk);
    const x = n as N;
    if (x.type === 'CallExpression') {
      const c = x.callee;
      const member = c.type === 'MemberExpression' && !c.computed && c.property.type === 'Identifier' && HOOKS.has(c.property.name) ? (c.property.name as string) : null;
      if ((c.type === 'Identifier' && hooks.has(c.name)) || (member !== null && EACH_ALL.test(member))) {
        if (x.arguments.some(reads)) return true;
      } else if (member !== null && x.arguments.some((a: N) => (isFn(a) || (a.type === 'Identifier' && fns.has(a.name))) && reads(a))) return true;
    }
    return Object.keys(x).some((k) => k !== 'loc' && k !== 'start' && k !== 'end' && walk(x[k]));
  };
  return walk(ast.program.body);
}
