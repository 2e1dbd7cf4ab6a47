// JUnit XML → per-test results (node --test, vitest, jest-junit, pytest, …).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TestStatus } from '../types.ts';
import { cleanName, joinId } from './names.ts';
import { record, ReportParseError, type TestResults } from './types.ts';

/** Source-file extensions that mark a `classname` as a test file path (as vitest writes it). */
const FILE_EXT_RE = /\.(?:[cm]?[jt]sx?|py|rb|go|rs|java|kts?|scala|php|cs|fs|exs?|swift|dart|lua|c|cc|cpp|cxx|h|hpp|m|mm|vue|svelte|coffee|sh)$/i;

type Attrs = Record<string, string>;
interface XmlNode {
  $?: Attrs;
  testsuite?: XmlNode[];
  testcase?: XmlNode[];
  failure?: unknown[];
  error?: unknown[];
  skipped?: unknown[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributesGroupName: '$',
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'failure' || name === 'error' || name === 'skipped',
});

/**
 * Parses a JUnit XML report into `id → status`.
 *
 * Id rule (fixtures depend on it exactly): the `name`s of the enclosing `<testsuite>` elements,
 * outermost first, then the `<testcase name>`, joined with ` > `; `<testsuites>` is not part of
 * the id. If the testcase's `classname` contains a `/` or ends in a source-file extension (vitest
 * writes the test file path there) and is not already the first element, it is prefixed.
 * pytest's testcases (`<testsuite name="pytest">` with a dotted `classname`) are named by their
 * node id instead: `tests/test_calc.py > TestX > test_add[p]` (`pytestParts`); `pytestFiles` (the
 * `.py` files the task's listed ids and test.patch name) settle a `classname`, also where a folder
 * or file name holds a `.`.
 * Every part is cleaned by `cleanName`: ANSI escape codes stripped (raw, or written as
 * `&#27;`/`&#x1b;`) and one appended duration removed (` (12ms)`, ` 12ms`, ` [1.2s]`: see
 * `DURATION_SUFFIX_RE`); empty parts are left out.
 *
 * Status: a `<failure>` child or a `failure` attribute (node --test writes both) → FAILED;
 * an `<error>` child → ERROR; a `<skipped>` child → SKIPPED; otherwise PASSED. A duplicated id
 * keeps its worst status. Throws `ReportParseError` for malformed XML or a root that is neither
 * `<testsuites>` nor `<testsuite>`. Source: the JUnit XML schema as written by node --test,
 * vitest, jest-junit and pytest (`<testsuites>`/`<testsuite>`/`<testcase>`).
 */
export function parseJunit(xml: string, pytestFiles: readonly string[] = []): TestResults {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ReportParseError(`JUnit report is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  // fast-xml-parser drops a character reference to ESC, which would leave `[31m` remnants that
  // strip-ansi cannot see; turn it into the raw character first so the code is stripped whole.
  const doc = parser.parse(xml.replace(/&#(?:0*27|[xX]0*1[bB]);/g, '\u001b')) as { testsuites?: XmlNode | string; testsuite?: XmlNode[] };
  const results: TestResults = new Map();
  const known = knownPytestFiles(pytestFiles);
  if (doc.testsuites !== undefined) {
    if (typeof doc.testsuites === 'object') walk(doc.testsuites, [], results, known);
  } else if (doc.testsuite !== undefined) {
    for (const suite of doc.testsuite) walk({ testsuite: [suite] }, [], results, known);
  } else {
    throw new ReportParseError('JUnit report has neither <testsuites> nor <testsuite> at its root');
  }
  return results;
}

/** pytest's `classname`: the file's path with `.` for `/` (folder names may hold any character but `/`), then its classes. */
const DOTTED_RE = /^[^/.\s][^/]*$/u;

/**
 * The task's pytest files (`.py` paths its listed ids and test.patch name) by the dotted module path
 * pytest writes for them (`tests/v1.2/test_x.py` → `tests.v1.2.test_x`): `pytestParts` reads a
 * `classname` as the longest of these it starts with, so a `.` in a folder or file name
 * (`tests/test_calc.v2.py` under `--import-mode=importlib`) is not taken for a folder. A dotted path
 * two files share is left out (pytest itself writes one `classname` for both).
 */
function knownPytestFiles(files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const shared = new Set<string>();
  for (const f of new Set(files)) {
    if (!f.endsWith('.py')) continue;
    const dotted = f.slice(0, -3).split('/').join('.');
    if (out.has(dotted)) shared.add(dotted);
    out.set(dotted, f);
  }
  for (const d of shared) out.delete(d);
  return out;
}

/**
 * The id parts of a pytest test: pytest's node id (`tests/test_calc.py::TestX::test_add[p]`) as
 * ` > ` parts, `['tests/test_calc.py', 'TestX', 'test_add[p]']`, so a test is named with its file
 * and classes (the form SWE-bench lists, see swe-ids.ts) and not by its function name alone. pytest
 * writes the node id into `<testsuite name="pytest">` as `classname` = the module's dotted path
 * with its classes (`tests.test_calc.TestX`) and `name` = the function with its parameter ids
 * (`_pytest/junitxml.py` `mangle_test_address`); the module is the last part named like pytest's
 * default test files (`test_*`, `*_test`), else the parts before the trailing capitalised ones
 * (pytest collects `Test…` classes by default); the classes follow it.
 * Null for any other testcase (another runner, a collection error with no classname, a module
 * part only).
 */
function pytestParts(path: readonly string[], classname: string, name: string, known: ReadonlyMap<string, string>): string[] | null {
  if (path.length !== 1 || path[0] !== 'pytest' || !name || !DOTTED_RE.test(classname)) return null;
  // a file the task names: the longest such module the classname starts with
  let file: string | undefined;
  let rest = '';
  for (const [module, f] of known) {
    if ((classname === module || classname.startsWith(`${module}.`)) && (file === undefined || module.length > rest.length)) [file, rest] = [f, module];
  }
  if (file !== undefined) return [file, ...classname.slice(rest.length + 1).split('.').filter((c) => c !== ''), name];
  const dotted = classname.split('.');
  // the module is the last part named like pytest's default test files (`test_*.py`, `*_test.py`: `Calc_test` too)…
  let modules = 0;
  if (dotted.some((part) => part === '')) return null;
  dotted.forEach((part, i) => { if (/^test_|_test$/.test(part) && !/^Test/.test(part)) modules = i + 1; });
  // …else the parts before the trailing capitalised ones (classes)
  if (modules === 0) for (modules = dotted.length; modules > 1 && /^[A-Z]/.test(dotted[modules - 1]!); ) modules--;
  return [`${dotted.slice(0, modules).join('/')}.py`, ...dotted.slice(modules), name];
}

function walk(node: XmlNode, path: string[], results: TestResults, known: ReadonlyMap<string, string>): void {
  for (const tc of node.testcase ?? []) {
    if (typeof tc !== 'object') continue;
    const name = clean(tc.$?.name);
    const classname = clean(tc.$?.classname);
    const pytest = pytestParts(path, classname, name, known);
    const parts = pytest ?? [...path, name].filter((p) => p !== '');
    if (!pytest && classname && (classname.includes('/') || FILE_EXT_RE.test(classname)) && parts[0] !== classname) parts.unshift(classname);
    if (parts.length === 0) continue;
    record(results, joinId(parts), status(tc));
  }
  for (const suite of node.testsuite ?? []) {
    if (typeof suite !== 'object') continue;
    const name = clean(suite.$?.name);
    walk(suite, name ? [...path, name] : path, results, known);
  }
}

function status(tc: XmlNode): TestStatus {
  if ((tc.failure?.length ?? 0) > 0 || tc.$?.failure !== undefined) return 'FAILED';
  if ((tc.error?.length ?? 0) > 0) return 'ERROR';
  if ((tc.skipped?.length ?? 0) > 0) return 'SKIPPED';
  return 'PASSED';
}

const clean = (s: string | undefined): string => cleanName(s ?? '');
