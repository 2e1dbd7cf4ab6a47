// The node --test reporter of the second result channel (channels.ts): TAP as node's built-in `tap`
// reporter writes it, without what the channel does not read. node's reporter runs an async
// generator per event and writes a YAML block per test (durations, and for a failure its error
// through util.inspect); in the runner's parent process that cost 20–40 ms of CPU per run on the
// bundled tasks (bench/RESULTS.md, tamp8), about half of it the YAML and the per-event promises.
// This one is a synchronous stream.Transform that keeps the lines parseTap reads and writes them
// once, at the end of the run (as node's JUnit reporter does).
//
// It is passed on the command line as a `data:` URL (no file in the workspace for the code under
// test to replace before node loads it) and runs inside the sandbox like every reporter; the host
// only parses the file it writes (DESIGN.md §11 rules 2–3).

/**
 * The reporter's source (an ES module; its default export is a `stream.Transform` instance, the
 * form node 18.15+ and 20+ take from `--test-reporter`). Per event of the runner's stream:
 * - `test:start` → `<indent># Subtest: <name>`;
 * - `test:pass` / `test:fail` → `<indent>ok|not ok <n> - <name>` with ` # SKIP [reason]` or
 *   ` # TODO [reason]`;
 * - `test:fail` also → a YAML block holding only node's `type: 'suite'` (a describe's point, as node
 *   writes it) and `failureType` (`subtestsFailed`, `testCodeFailure`, `hookFailed`, …), which
 *   parseTap reads to tell a parent's own failure from its tests' (parse/tap.ts `leaves`);
 * - `test:plan` → `<indent>1..<count>`;
 * - everything else (diagnostics, the tests' stdout/stderr, coverage, other YAML details) is dropped.
 * `<indent>` is 4 spaces per nesting level; names are escaped exactly as node 20's `tapEscape`
 * (`\b \f \t \n \r \v` as backslash escapes, then every backslash doubled, `#` as `\#`), so
 * parseTap gives every test the id node's own TAP reporter gives it (test/unit/evaluation/channel-names.test.ts).
 * The text starts with `TAP version 13` and is written in one piece when the run's stream ends.
 */
export const LEAN_TAP_REPORTER_SOURCE = String.raw`import { Transform } from 'node:stream';
const esc = (s) => String(s).replaceAll('\b', '\\b').replaceAll('\f', '\\f').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\v', '\\v').replaceAll('\\', '\\\\').replaceAll('#', '\\#');
const indent = (n) => '    '.repeat(n);
let out = 'TAP version 13\n';
export default new Transform({
  writableObjectMode: true,
  transform(event, _encoding, done) {
    const { type, data } = event;
    if (type === 'test:start') out += indent(data.nesting) + '# Subtest: ' + esc(data.name) + '\n';
    else if (type === 'test:pass' || type === 'test:fail') {
      let line = indent(data.nesting) + (type === 'test:pass' ? 'ok ' : 'not ok ') + data.testNumber;
      if (data.name) line += ' ' + esc('- ' + data.name);
      if (data.skip !== undefined) line += ' # SKIP' + (typeof data.skip === 'string' && data.skip.length ? ' ' + esc(data.skip) : '');
      else if (data.todo !== undefined) line += ' # TODO' + (typeof data.todo === 'string' && data.todo.length ? ' ' + esc(data.todo) : '');
      out += line + '\n';
      const kind = type === 'test:fail' ? data.details?.error?.failureType : undefined;
      if (typeof kind === 'string' && /^[A-Za-z]+$/.test(kind)) out += indent(data.nesting) + '  ---\n' + (data.details?.type === 'suite' ? indent(data.nesting) + "  type: 'suite'\n" : '') + indent(data.nesting) + "  failureType: '" + kind + "'\n" + indent(data.nesting) + '  ...\n';
    } else if (type === 'test:plan') out += indent(data.nesting) + '1..' + data.count + '\n';
    done();
  },
  flush(done) {
    done(null, out);
  },
});
`;

/** The `--test-reporter` value that loads {@link LEAN_TAP_REPORTER_SOURCE}: a base64 `data:` URL (no shell metacharacters but `;`: quote it for a shell). */
export const LEAN_TAP_REPORTER = `data:text/javascript;base64,${Buffer.from(LEAN_TAP_REPORTER_SOURCE).toString('base64')}`;

/**
 * The per-process account's reporter (process-account.ts reads it): node's events as JSON lines,
 * written in one piece when the run's stream ends. Per event:
 * - the runner's own per-file test (nesting 0, named by its file's absolute path, `data.file` the
 *   same): `{"k":"d"|"c","file"}` for its `test:dequeue` / `test:complete` — under
 *   `--test-concurrency=1` every event a test file's process reports comes between the two;
 *   its `test:start` / `test:pass` / `test:fail` (a file that registered no test) are dropped;
 * - `test:start` → `{"k":"s","n":nesting,"name"}`; `test:pass` / `test:fail` → `{"k":"p"|"f","n","name"}`
 *   with `"at"`, the file the test is written in (node's `data.file`), `"skip":1` for a skipped or
 *   todo test and `"suite":1` for a describe's point (node's `details.type === 'suite'`: no test, as
 *   in node's JUnit).
 */
export const ACCOUNT_REPORTER_SOURCE = String.raw`import { Transform } from 'node:stream';
let out = '';
const KIND = { 'test:dequeue': 'd', 'test:complete': 'c', 'test:start': 's', 'test:pass': 'p', 'test:fail': 'f' };
export default new Transform({
  writableObjectMode: true,
  transform(event, _encoding, done) {
    const k = KIND[event.type];
    const data = event.data ?? {};
    if (k !== undefined) {
      const own = data.nesting === 0 && typeof data.file === 'string' && data.name === data.file;
      if (own && (k === 'd' || k === 'c')) out += JSON.stringify({ k, file: data.file }) + '\n';
      else if (!own && k !== 'd' && k !== 'c') out += JSON.stringify({ k, n: data.nesting, name: String(data.name), ...(k !== 's' && typeof data.file === 'string' ? { at: data.file } : {}), ...(data.skip !== undefined || data.todo !== undefined ? { skip: 1 } : {}), ...(data.details?.type === 'suite' ? { suite: 1 } : {}) }) + '\n';
    }
    done();
  },
  flush(done) {
    done(null, out);
  },
});
`;

/** The `--test-reporter` value that loads {@link ACCOUNT_REPORTER_SOURCE} (a base64 `data:` URL, as LEAN_TAP_REPORTER). */
export const ACCOUNT_REPORTER = `data:text/javascript;base64,${Buffer.from(ACCOUNT_REPORTER_SOURCE).toString('base64')}`;
