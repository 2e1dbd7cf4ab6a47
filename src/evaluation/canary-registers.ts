// Which names of a test file may register tests when a test calls them (canary-parse.ts): node:test
// makes a test registered while another runs that test's subtest, so the caller is reported as a
// suite (no id of its own in JUnit, none in TAP read leaves-only) and a canary copy of it would come
// out `missing` (gold `tampered`). Parsing only: nothing here runs the file.

/** The babel AST, typed loosely: only the fields read below. */
type N = { type: string; start: number; end: number; [k: string]: any };

/** Functions that register a test (mocha's BDD and TDD names, jasmine, node:test, vitest, jest): what canary-parse.ts findTests reads as tests. */
export const TEST_FNS: ReadonlySet<string> = new Set(['it', 'test', 'specify']);
/** Functions that register a suite: what findTests reads as describe blocks. */
export const SUITE_FNS: ReadonlySet<string> = new Set(['describe', 'suite', 'context']);
/** Functions that register a test or a suite: TEST_FNS and SUITE_FNS. */
export const REGISTERS: ReadonlySet<string> = new Set([...TEST_FNS, ...SUITE_FNS]);
/** Hooks: their callbacks run while tests run. */
const HOOKS = new Set(['before', 'after', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll']);
/** Modules whose exports register tests: a binding of theirs under another name is a registering name. */
const TEST_MODULES = /^(?:node:test|test|mocha|vitest|@jest\/globals|bun:test|tap|uvu|ava)$/;
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

/** Every node under `n` (arrays and objects alike), `visit` called with each and its parent; stops early when `visit` returns true. */
function some(n: unknown, visit: (x: N, parent: N | null, key: string) => boolean, parent: N | null = null, key = ''): boolean {
  if (n === null || typeof n !== 'object') return false;
  if (Array.isArray(n)) return n.some((c) => some(c, visit, parent, key));
  const x = n as N;
  if (typeof x.type === 'string' && visit(x, parent, key)) return true;
  for (const k of Object.keys(x)) if (k !== 'loc' && k !== 'start' && k !== 'end' && k !== 'extra' && some(x[k], visit, x, k)) return true;
  return false;
}

const rootOf = (c: N): N => (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression' || c.type === 'CallExpression' ? rootOf(c.type === 'CallExpression' ? c.callee : c.object) : c);
const keyName = (k: N): string | null => (k.type === 'Identifier' ? k.name : k.type === 'StringLiteral' ? k.value : null);
/** The string a literal writes: a string literal's, or a template literal's without expressions (`` `node:test` ``); null for anything else. */
export function stringOf(n: N | null | undefined): string | null {
  if (n?.type === 'StringLiteral') return n.value;
  if (n?.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0].value.cooked ?? null;
  return null;
}
/** The module `n` loads: the name a `require(…)`, `await import(…)` (babel's `import` callee or an ImportExpression) or import source writes (stringOf); null otherwise. */
function loadedModule(n: N | null | undefined): string | null {
  if (n?.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require') return stringOf(n.arguments[0]);
  if (n?.type === 'AwaitExpression') return n.argument.type === 'ImportExpression' ? stringOf(n.argument.source) : n.argument.type === 'CallExpression' && n.argument.callee.type === 'Import' ? stringOf(n.argument.arguments[0]) : null;
  return stringOf(n);
}
const fromTestModule = (n: N | null | undefined): boolean => TEST_MODULES.test(loadedModule(n) ?? '');

/**
 * Whether `body` calls something that registers: a name of REGISTERS or `names` (or a member of one:
 * `test.skip`), or a member named like REGISTERS (`nt.describe`, `t['it']`). A member named `test` is
 * RegExp's too: failing closed, it registers on anything but a regular expression (a literal,
 * `new RegExp(…)`, or a name of `regexes`: `/re/.test(s)`, `re.test(s)` with `const re = /x/`), so
 * `require('x').test(…)` or a context's `t.test(…)` counts.
 */
export function registersIn(body: unknown, names: ReadonlySet<string>, regexes: ReadonlySet<string> = new Set()): boolean {
  return some(body, (x) => {
    if (x.type !== 'CallExpression' && x.type !== 'OptionalCallExpression') return false;
    const root = rootOf(x.callee);
    if (root.type === 'Identifier' && (REGISTERS.has(root.name) || names.has(root.name))) return true;
    const c = x.callee;
    const called = (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') ? keyName(c.property) ?? '' : '';
    return REGISTERS.has(called) && (called !== 'test' || !isRegex(c.object, regexes));
  });
}

/** A regular expression by its syntax: a literal, `new RegExp(…)`/`RegExp(…)`, or a name of `regexes` (bound to one). */
function isRegex(n: N, regexes: ReadonlySet<string>): boolean {
  if (n.type === 'RegExpLiteral') return true;
  if ((n.type === 'NewExpression' || n.type === 'CallExpression') && n.callee.type === 'Identifier' && n.callee.name === 'RegExp') return true;
  return n.type === 'Identifier' && regexes.has(n.name);
}

/** The names file `ast` binds (`const re = /x/`, anywhere) to a regular expression and to nothing else. */
function regexNames(ast: N): Set<string> {
  const regexes = new Set<string>();
  const other = new Set<string>();
  some(ast.program, (x) => {
    if (x.type === 'VariableDeclarator' && x.id.type === 'Identifier') (x.init && isRegex(x.init, new Set()) ? regexes : other).add(x.id.name);
    return false;
  });
  for (const name of other) regexes.delete(name);
  return regexes;
}

/**
 * The names of file `ast` a test may register tests through, failing closed: the registering
 * functions bound under another name (`const check = test`, `import { test as check }`,
 * `const { test: check } = require('node:test')`, `const nt = require('node:test')`), then, to a
 * fixed point, every name bound to a function, object or class whose code registers through those
 * (`function reg() { test(…) }`, `const h = { go() { nt.test(…) } }`, and one calling such a
 * helper). A function bound to no name (a top-level `cases.forEach((c) => test(…))`, which
 * registers while the file loads) gives none. `hooked`: a hook's callback (`beforeEach(() => …)`)
 * registers, which runs while tests run: every test of the file may then be a parent.
 */
export function registeringNames(ast: N): { names: Set<string>; hooked: boolean } {
  const names = new Set<string>();
  const modules = new Set([...testAliases(ast)].filter(([, to]) => to === '*' || to === '.').map(([name]) => name));
  const regexes = regexNames(ast);
  const bound: { name: string; node: N }[] = [];
  some(ast.program, (x) => {
    if (x.type === 'ImportDeclaration' && fromTestModule(x.source)) {
      for (const sp of x.specifiers) {
        const imported = sp.type === 'ImportSpecifier' ? keyName(sp.imported) : null;
        if (sp.type === 'ImportSpecifier' ? imported !== sp.local.name && REGISTERS.has(imported ?? '') : !REGISTERS.has(sp.local.name)) names.add(sp.local.name);
      }
    } else if (x.type === 'VariableDeclarator' && fromTestModule(x.init)) {
      if (x.id.type === 'Identifier' && !REGISTERS.has(x.id.name)) names.add(x.id.name);
      if (x.id.type === 'ObjectPattern') {
        for (const p of x.id.properties) if (p.type === 'ObjectProperty' && p.value.type === 'Identifier' && REGISTERS.has(keyName(p.key) ?? '') && p.value.name !== keyName(p.key)) names.add(p.value.name);
      }
    } else if (x.type === 'VariableDeclarator' && x.id.type === 'Identifier' && x.init) bound.push({ name: x.id.name, node: x.init });
    else if ((x.type === 'FunctionDeclaration' || x.type === 'ClassDeclaration') && x.id) bound.push({ name: x.id.name, node: x });
    else if (x.type === 'AssignmentExpression' && x.left.type === 'Identifier') bound.push({ name: x.left.name, node: x.right });
    return false;
  });
  for (let grew = true; grew; ) {
    grew = false;
    for (const b of bound) {
      if (names.has(b.name) || REGISTERS.has(b.name)) continue;
      // an alias (`const check = test`, `= someHelper`) or code that registers through a known name
      // (`const check = nodeTest.it`: a member of one too)
      const root = b.node.type === 'Identifier' || b.node.type === 'MemberExpression' ? rootOf(b.node) : null;
      const alias = root?.type === 'Identifier' && (REGISTERS.has(root.name) || names.has(root.name));
      const code = FUNCTIONS.has(b.node.type) || b.node.type === 'ObjectExpression' || b.node.type === 'ClassExpression' || b.node.type === 'ClassDeclaration' || b.node.type === 'CallExpression';
      if (alias || (code && registersIn(b.node, names, regexes))) {
        names.add(b.name);
        grew = true;
      }
    }
  }
  const hooked = some(ast.program, (x) => {
    if (x.type !== 'CallExpression') return false;
    const [root, c] = [rootOf(x.callee), x.callee];
    // a hook by its name (`beforeEach.x`), or a member of a test module's binding (`nt.beforeEach`; a test's own
    // `t.after(…)` runs around that test only, and holdsTests reads what its body does with `t`)
    const hook = (root.type === 'Identifier' && HOOKS.has(root.name)) || (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && modules.has(c.object.name) && HOOKS.has(keyName(c.property) ?? ''));
    return hook && x.arguments.some((a: N) => FUNCTIONS.has(a.type) && registersIn(a, names, regexes));
  });
  return { names, hooked };
}

/** Whether `body` refers to any of `names` (a call, or handing one on), other than as a property name (`x.reg`, `{ reg: 1 }`). */
export function refersTo(body: unknown, names: ReadonlySet<string>): boolean {
  if (!names.size) return false;
  return some(body, (x, parent, key) => {
    if (x.type !== 'Identifier' || !names.has(x.name)) return false;
    const property = (parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && key === 'property' && !parent.computed;
    const objectKey = (parent?.type === 'ObjectProperty' || parent?.type === 'ObjectMethod') && key === 'key' && !parent.computed;
    return !property && !objectKey;
  });
}

/** Whole-module bindings of node:test (`test` being node:test's own name for it): calling one registers a test (its default export is `test`). */
const CALLABLE_MODULES = /^(?:node:test|test)$/;

/**
 * The names the top-level statements of file `ast` bind to a test module's registering functions,
 * each with the function's own name (REGISTERS): `import { test as check } from 'node:test'`,
 * `const { it: check } = require('node:test')`, `const check = nodeTest.it` and `const again =
 * check`; a whole-module binding (`import * as nt`, `import nt from`, `const nt = require(…)`)
 * maps to `*` (node:test's: a call of it is `test`) or `.` (another module's: its members only).
 * Names of REGISTERS bound so are kept too; a name REGISTERS holds but the file binds otherwise
 * is not in the map (findTests reads it by its name, as before).
 */
export function testAliases(ast: N): Map<string, string> {
  const aliases = new Map<string, string>();
  const decls: N[] = [];
  for (const st of ast.program.body as N[]) {
    if (st.type === 'ImportDeclaration' && fromTestModule(st.source)) {
      const whole = CALLABLE_MODULES.test(st.source.value) ? '*' : '.';
      for (const sp of st.specifiers) {
        const imported = sp.type === 'ImportSpecifier' ? keyName(sp.imported) : null;
        if (imported !== null && REGISTERS.has(imported)) aliases.set(sp.local.name, imported);
        else if (sp.type !== 'ImportSpecifier') aliases.set(sp.local.name, sp.type === 'ImportDefaultSpecifier' ? whole : '.');
      }
    } else if (st.type === 'VariableDeclaration') decls.push(...st.declarations);
  }
  const moduleOf = (n: N | null | undefined): string | null => (fromTestModule(n) ? loadedModule(n) : null);
  for (let grew = true; grew; ) {
    grew = false;
    const bind = (name: string, to: string): void => {
      if (aliases.has(name)) return;
      aliases.set(name, to);
      grew = true;
    };
    for (const d of decls) {
      const mod = moduleOf(d.init);
      // `await import(…)` gives the namespace; `require(…)` the module's exports (node:test's: `test`)
      if (mod !== null && d.id.type === 'Identifier') bind(d.id.name, CALLABLE_MODULES.test(mod) && d.init.type !== 'AwaitExpression' ? '*' : '.');
      const whole = d.init?.type === 'Identifier' ? aliases.get(d.init.name) : undefined;
      if ((mod !== null || whole === '*' || whole === '.') && d.id.type === 'ObjectPattern') {
        for (const p of d.id.properties) if (p.type === 'ObjectProperty' && p.value.type === 'Identifier' && REGISTERS.has(keyName(p.key) ?? '')) bind(p.value.name, keyName(p.key)!);
      }
      if (d.id.type !== 'Identifier' || !d.init) continue;
      if (whole !== undefined) bind(d.id.name, whole);
      const member = d.init.type === 'MemberExpression' && !d.init.computed && d.init.object.type === 'Identifier' ? aliases.get(d.init.object.name) : undefined;
      if ((member === '*' || member === '.') && REGISTERS.has(keyName(d.init.property) ?? '')) bind(d.id.name, keyName(d.init.property)!);
    }
  }
  return aliases;
}
