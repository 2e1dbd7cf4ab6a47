import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo, patchFor, type FileTree, type GitRepo } from '../../helpers/git-repo.ts';
import { alive, gone } from '../../helpers/process.ts';

// A tiny JS repository whose `add` is broken; the hidden tests (test.patch) check it.
const BASE: FileTree = {
  'package.json': '{ "type": "module" }\n',
  '.gitignore': 'node_modules/\n',
  'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n\nexport function mul(a, b) {\n  return a * b;\n}\n',
  'test/mul.test.js':
    "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { mul } from '../src/math.js';\n\n" +
    "describe('mul', () => {\n  it('multiplies', () => assert.equal(mul(2, 3), 6));\n});\n",
};
const TESTS: FileTree = {
  'test/add.test.js':
    "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\n" +
    "describe('add', () => {\n  it('adds positives', () => assert.equal(add(2, 3), 5));\n  it('adds negatives', () => assert.equal(add(-2, -3), -5));\n});\n",
  'test/mul.test.js': (BASE['test/mul.test.js'] as string).replace("6));\n", "6));\n  it('multiplies by zero', () => assert.equal(mul(7, 0), 0));\n"),
};
const mathWith = (addBody: string, mulBody = 'a * b'): FileTree => ({
  'src/math.js': `export function add(a, b) {\n  return ${addBody};\n}\n\nexport function mul(a, b) {\n  return ${mulBody};\n}\n`,
});
const F2P = ['add > adds positives', 'add > adds negatives'];
const P2P = ['mul > multiplies', 'mul > multiplies by zero'];
const JUNIT_CMD = 'node --test --test-reporter=junit --test-reporter-destination=report.xml';



describe('evaluate', () => {
  let root: string;
  let repo: GitRepo;
  let cache: RepoCache;
  let workDir: string;
  let task: TaskSpec;
  let gold: string;
  const sandbox = new LocalSandbox();

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-eval-test-'));
    // The upstream history also holds the later fix commit, as a real repository would.
    repo = gitRepo(BASE, [{ ...mathWith('a + b'), ...TESTS }]);
    gold = patchFor(repo, mathWith('a + b'));
    task = {
      instance_id: 'tiny-add-1',
      repo: repo.dir,
      base_commit: repo.commits[0]!,
      setup: '',
      test_cmd: JUNIT_CMD,
      test_report: 'junit:report.xml',
      FAIL_TO_PASS: F2P,
      PASS_TO_PASS: P2P,
      timeout_s: 120,
      tags: [],
      dir: join(root, 'tasks', 'tiny-add-1'),
      problem_statement: 'add() subtracts',
      patch: gold,
      test_patch: patchFor(repo, TESTS),
    };
    cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
    workDir = join(root, 'work');
  });
  afterAll(async () => {
    await sandbox.cleanup();
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  const run = (modelPatch: string, over: Partial<TaskSpec> = {}, sb: Sandbox = sandbox, canaries = true) =>
    evaluate({ task: { ...task, ...over }, modelPatch, sandbox: sb, repoCache: cache, workDir, canaries });

  it('resolves the gold patch: every listed test passed', async () => {
    const res = await run(gold);
    expect(res).toMatchObject({ outcome: 'resolved', apply_strategy: 'git apply', visible_check: true, error: null, test_files_edited: [] });
    expect(res.tests_status).toEqual({ FAIL_TO_PASS: { success: F2P, failure: [] }, PASS_TO_PASS: { success: P2P, failure: [] } });
    expect(res.parsed).toMatchObject({ 'add > adds positives': 'PASSED', 'mul > multiplies by zero': 'PASSED' });
    expect(res.test_output).toContain(`$ ${JUNIT_CMD}`);
  });

  it('is unresolved with the failing FAIL_TO_PASS ids when the fix is partial', async () => {
    const res = await run(patchFor(repo, mathWith('Math.abs(a) + Math.abs(b)')));
    expect(res.outcome).toBe('unresolved');
    expect(res.tests_status?.FAIL_TO_PASS).toEqual({ success: ['add > adds positives'], failure: ['add > adds negatives'] });
    expect(res.visible_check).toBe(true);
  });

  it('fails the visible check when a PASS_TO_PASS test breaks', async () => {
    const res = await run(patchFor(repo, mathWith('a + b', 'a * b + 1')));
    expect(res).toMatchObject({ outcome: 'unresolved', visible_check: false });
    expect(res.tests_status?.PASS_TO_PASS.failure).toEqual(P2P);
  });

  it('grades with the hidden tests even when the model rewrote them, and reports the edited files', async () => {
    const cheat = patchFor(repo, {
      ...mathWith('Math.abs(a) + Math.abs(b)'),
      'test/add.test.js': "import { describe, it } from 'node:test';\ndescribe('add', () => {\n  it('adds positives', () => {});\n  it('adds negatives', () => {});\n});\n",
      'test/mul.test.js': "import { describe, it } from 'node:test';\ndescribe('mul', () => {\n  it('multiplies', () => {});\n});\n",
    });
    const res = await run(cheat);
    expect(res.test_files_edited).toEqual(['test/add.test.js', 'test/mul.test.js']);
    expect(res.outcome).toBe('unresolved');
    expect(res.tests_status?.FAIL_TO_PASS.failure).toEqual(['add > adds negatives']);
  });

  it('returns empty_patch for a whitespace-only patch without running anything', async () => {
    const untouchable: Sandbox = { kind: 'local', exec: () => Promise.reject(new Error('must not run')) };
    const res = await run(' \n\t\n', {}, untouchable);
    expect(res).toMatchObject({ outcome: 'empty_patch', tests_status: null, apply_strategy: null, visible_check: false });
  });

  it('grades an empty patch when asked (the noop reference): FAIL_TO_PASS fails at base, PASS_TO_PASS holds', async () => {
    const res = await evaluate({ task, modelPatch: '', sandbox, repoCache: cache, workDir, gradeEmptyPatch: true });
    expect(res).toMatchObject({ outcome: 'unresolved', apply_strategy: null, visible_check: true });
    expect(res.tests_status).toEqual({ FAIL_TO_PASS: { success: [], failure: F2P }, PASS_TO_PASS: { success: P2P, failure: [] } });
    expect(res.test_output).toMatch(/--- report\.xml ---\n[^]*<testcase/);
  });

  it('returns patch_failed when the patch applies with no strategy', async () => {
    const res = await run('--- a/src/math.js\n+++ b/src/math.js\n@@ -1,3 +1,3 @@\n function nothing() {\n-  like this\n+  at all\n }\n');
    expect(res).toMatchObject({ outcome: 'patch_failed', tests_status: null, apply_strategy: null, visible_check: false });
    expect(res.apply_log).toMatch(/git apply[^]*--3way[^]*patch --batch/);
  });

  it('is unresolved, never a pass, when the command exits non-zero but no parsed test failed (a run without canaries)', async () => {
    const res = await run(gold, { test_cmd: `${JUNIT_CMD}; exit 1` }, sandbox, false);
    expect(res).toMatchObject({ outcome: 'unresolved', visible_check: false, unprotected: expect.stringMatching(/canaries and the second channel turned off/) });
    expect(res.error).toMatch(/no test verdict with this patch: .*exited with 1 but none of the \d+ parsed tests failed/);
  });

  it('keeps the canaries apart from the task\'s tests and records how they came out', async () => {
    const res = await run(gold);
    expect(res).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed' }, unprotected: null, channels: 2 });
    expect(Object.keys(res.parsed).sort()).toEqual([...F2P, ...P2P].sort());
  });

  it('is tampered when the command exits 0 although the failing canary failed', async () => {
    const res = await run(gold, { test_cmd: `${JUNIT_CMD}; exit 0` });
    expect(res.outcome).toBe('tampered');
    expect(res.error).toMatch(/exited 0 although the failing canary test failed/);
  });

  it('is no verdict when the command dies by a signal, whatever its report says', async () => {
    const res = await run(gold, { test_cmd: `${JUNIT_CMD}; kill -9 $$` });
    expect(res.outcome).toBe('unresolved');
    expect(res.error).toMatch(/no test verdict with this patch: the test command was killed by a signal/);
  });

  it('is unresolved, with every listed test failed, when the report holds zero tests', async () => {
    const res = await run(gold, { test_cmd: "echo '<testsuites/>' > report.xml" });
    expect(res.outcome).toBe('unresolved');
    expect(res.error).toMatch(/no test verdict with this patch: no test results were parsed/);
    expect(res.tests_status!.FAIL_TO_PASS.failure).toEqual(F2P);
    expect(res.tests_status!.FAIL_TO_PASS.success).toEqual([]);
  });

  it('never reads a report the model planted: the stale file is deleted before the run', async () => {
    const planted = `<testsuites><testsuite name="add">${F2P.map((id) => `<testcase name="${id.split(' > ')[1]}"/>`).join('')}</testsuite></testsuites>\n`;
    const plant = patchFor(repo, { 'report.xml': planted });
    expect(plant).toContain('+++ b/report.xml');
    const res = await run(gold + plant, { test_cmd: 'true' });
    expect(res.outcome).toBe('unresolved');
    expect(res.error).toMatch(/no test verdict with this patch: .*wrote no JUnit report at report\.xml/);
  });

  it('neither deletes nor reads a report behind a folder symlink the patch planted out of the workspace', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'fixbench-outside-'));
    writeFileSync(join(outside, 'report.xml'), '<testsuites><testsuite name="add"><testcase name="adds positives"/></testsuite></testsuites>\n');
    const link = `diff --git a/out b/out\nnew file mode 120000\n--- /dev/null\n+++ b/out\n@@ -0,0 +1 @@\n+${outside}\n\\ No newline at end of file\n`;
    try {
      const res = await run(gold + link, { test_cmd: 'true', test_report: 'junit:out/report.xml' });
      // The link leaves the workspace: dropped before any strategy, so no report is found at all.
      expect(res.outcome).toBe('unresolved');
      expect(res.unsafe_entries_dropped).toBe(1);
      expect(res.error).toMatch(/no test verdict with this patch: .*wrote no JUnit report at out\/report\.xml/);
      expect(existsSync(join(outside, 'report.xml'))).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('is no verdict, without reading it, for a report over the size limit', async () => {
    const res = await run(gold, { test_cmd: 'head -c 67108865 /dev/zero > report.xml' });
    expect(res.outcome).toBe('unresolved');
    expect(res.error).toMatch(/JUnit report report\.xml is 67108865 bytes, over the 67108864-byte limit/);
  });

  it('decodes the report file once as UTF-8: multi-byte names intact, invalid bytes replaced', async () => {
    // Long enough to span many read chunks, so a decoder working chunk by chunk would split a character.
    const name = `adds café ☕ ${'é'.repeat(70_000)}`;
    const file = join(root, 'utf8-report.xml');
    writeFileSync(file, Buffer.concat([Buffer.from(`<testsuites><testsuite name="add"><testcase name="${name}"/></testsuite></testsuites>\n<!-- `), Buffer.from([0xff]), Buffer.from(' -->\n')]));
    const res = await run(gold, { test_cmd: `cp '${file}' report.xml` });
    expect(res.parsed).toEqual({ [`add > ${name}`]: 'PASSED' });
    expect(res.test_output).toContain('<!-- \uFFFD -->');
  });

  it('normalises the model patch first: fenced and wrapped in prose, with a binary entry dropped and counted', async () => {
    const binary = 'diff --git a/logo.png b/logo.png\nnew file mode 100644\nindex 0000000..029ace0\nBinary files /dev/null and b/logo.png differ\n';
    const res = await run(`Here is my fix.\n\`\`\`diff\n${binary}${gold}\`\`\`\nDone.`);
    expect(res).toMatchObject({ outcome: 'resolved', apply_strategy: 'git apply', binary_hunks_dropped: 1 });
    expect(res.apply_log).toMatch(/^normalised: removed 2 line\(s\) before the diff[^]*normalised: dropped the binary change to logo\.png[^]*\$ git apply/);
  });

  it('writes SWE-bench\'s test assets (swe_bench/test_assets/) after test.patch, standing for its image-only entries', async () => {
    const dir = join(root, 'tasks', 'tiny-add-assets');
    mkdirSync(join(dir, 'swe_bench', 'test_assets', 'test', 'fixtures'), { recursive: true });
    writeFileSync(join(dir, 'swe_bench', 'test_assets', 'test', 'fixtures', 'sum.txt'), '5\n');
    const fixtureTest = "import { it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { readFileSync } from 'node:fs';\nimport { add } from '../src/math.js';\n\nit('matches the fixture', () => assert.equal(`${add(2, 3)}\\n`, readFileSync('test/fixtures/sum.txt', 'utf8')));\n";
    const image = 'diff --git a/test/fixtures/sum.txt b/test/fixtures/sum.txt\nnew file mode 100644\nindex 0000000..0a1b2c3\nBinary files /dev/null and b/test/fixtures/sum.png differ\n';
    const over = { dir, test_patch: patchFor(repo, { ...TESTS, 'test/fixture.test.js': fixtureTest }) + image.replace(/sum\.txt/g, 'sum.png'), FAIL_TO_PASS: [...F2P, 'matches the fixture'] };
    const res = await run(gold, over);
    expect(res.outcome).toBe('resolved');
    expect(res.apply_log).toContain('dropped the image-only binary entry for test/fixtures/sum.png');
    expect(res.apply_log).toContain('test assets: wrote test/fixtures/sum.txt from swe_bench/test_assets/');
    // Without the assets the fixture test cannot pass: the asset is what made it resolve.
    rmSync(join(dir, 'swe_bench'), { recursive: true });
    expect((await run(gold, over)).outcome).toBe('unresolved');
  });

  it('times out a fix that loops forever, killing the whole process group', async () => {
    const pidFile = join(root, 'looping.pid');
    const loop = patchFor(repo, {
      'src/math.js': `import { writeFileSync } from 'node:fs';\nexport function add(a, b) {\n  writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n  for (;;) {}\n}\n\nexport function mul(a, b) {\n  return a * b;\n}\n`,
    });
    const res = await run(loop, { timeout_s: 3 });
    expect(res).toMatchObject({ outcome: 'timeout', tests_status: null, visible_check: false });
    expect(res.error).toMatch(/timeout_s=3/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await gone(pid)).toBe(true);
  });

  it('reads TAP from stdout', async () => {
    const res = await run(gold, { test_cmd: 'node --test --test-reporter=tap', test_report: 'tap' });
    expect(res).toMatchObject({ outcome: 'resolved', visible_check: true });
  });

  it('grades an exit-code report as one pseudo-test named by the command', async () => {
    const over = { test_cmd: 'node --test', test_report: 'exit-code', FAIL_TO_PASS: ['node --test'], PASS_TO_PASS: [] };
    expect((await run(gold, over)).outcome).toBe('resolved');
    expect((await run(patchFor(repo, mathWith('a * 0')), over)).outcome).toBe('unresolved');
  });

  it('is an infra_error when test.patch does not apply (the harness\'s fault)', async () => {
    const res = await run(gold, { test_patch: '--- a/test/none.js\n+++ b/test/none.js\n@@ -1 +1 @@\n-x\n+y\n' });
    expect(res.outcome).toBe('infra_error');
    expect(res.error).toMatch(/test\.patch of tiny-add-1 did not apply/);
  });

  it('is an infra_error with the output tail when setup fails', async () => {
    const res = await run(gold, { setup: 'echo "npm ERR! missing lockfile" >&2; exit 1' });
    expect(res.outcome).toBe('infra_error');
    expect(res.error).toContain('npm ERR! missing lockfile');
  });

  it('is an infra_error when the base commit is unknown', async () => {
    const res = await run(gold, { base_commit: 'e'.repeat(40) });
    expect(res.outcome).toBe('infra_error');
    expect(res.error).toMatch(/eeeeeeee/);
  });

  it('leaves its workspace to the caller under removeWorkspace: false (the runner removes the attempt folder after the record)', async () => {
    const own = join(root, 'kept-work');
    const res = await evaluate({ task, modelPatch: gold, sandbox, repoCache: cache, workDir: own, removeWorkspace: false });
    expect(res.outcome).toBe('resolved');
    const left = readdirSync(own);
    expect(left).toEqual([expect.stringMatching(/^ws-/)]);
    const [name] = readdirSync(join(own, left[0]!)).filter((e) => e !== 'host.git');
    expect(readFileSync(join(own, left[0]!, name!, 'src', 'math.js'), 'utf8')).toContain('a + b'); // the graded tree, gold applied
    rmSync(own, { recursive: true, force: true });
  });

  it('awaits beforeTests right before the test command (the agent workspace\'s removal); its failure is infra_error and no test runs', async () => {
    const order: string[] = [];
    const watched: Sandbox = Object.assign(Object.create(sandbox) as Sandbox, {
      exec: (cmd: string, o: Parameters<Sandbox['exec']>[1]) => (order.push(`exec ${cmd.split(' ')[0]}`), sandbox.exec(cmd, o)),
    });
    const ok = await evaluate({ task, modelPatch: gold, sandbox: watched, repoCache: cache, workDir, beforeTests: async () => void order.push('beforeTests') });
    expect(ok.outcome).toBe('resolved');
    expect(order.at(-2)).toBe('beforeTests'); // the last exec is the test command, right after it
    expect(order.at(-1)).toMatch(/^exec /);
    order.length = 0;
    const bad = await evaluate({ task, modelPatch: gold, sandbox: watched, repoCache: cache, workDir, beforeTests: () => Promise.reject(new Error('EBUSY: removing the agent workspace')) });
    expect(bad.outcome).toBe('infra_error');
    expect(bad.error).toMatch(/EBUSY: removing the agent workspace/);
    expect(order.filter((o) => o.startsWith('exec node'))).toEqual([]);
  });

  it('calls afterTests once, right after the test command; never when no test ran', async () => {
    const order: string[] = [];
    const watched: Sandbox = Object.assign(Object.create(sandbox) as Sandbox, {
      exec: async (cmd: string, o: Parameters<Sandbox['exec']>[1]) => {
        const r = await sandbox.exec(cmd, o);
        order.push(`exec ${cmd.split(' ')[0]}`);
        return r;
      },
    });
    const ok = await evaluate({ task, modelPatch: gold, sandbox: watched, repoCache: cache, workDir, afterTests: () => void order.push('afterTests') });
    expect(ok.outcome).toBe('resolved'); // its results were read after the call
    expect(order.filter((o) => o === 'afterTests')).toHaveLength(1);
    expect(order.at(-1)).toBe('afterTests'); // right after the last exec, the test command
    order.length = 0;
    const none = await evaluate({ task, modelPatch: gold, sandbox: watched, repoCache: cache, workDir, beforeTests: () => Promise.reject(new Error('EBUSY')), afterTests: () => void order.push('afterTests') });
    expect(none.outcome).toBe('infra_error');
    expect(order).not.toContain('afterTests');
  });

  it('testSlot: only a non-empty setup and the test command run inside it, the test command after beforeTests (perf13)', async () => {
    const order: string[] = [];
    let inSlot = false;
    const watched: Sandbox = Object.assign(Object.create(sandbox) as Sandbox, {
      exec: async (cmd: string, o: Parameters<Sandbox['exec']>[1]) => {
        order.push(`${inSlot ? 'slot' : 'free'} ${cmd.startsWith('true') ? 'setup' : 'test'}`);
        return sandbox.exec(cmd, o);
      },
    });
    const testSlot = async <T>(run: () => Promise<T>): Promise<T> => {
      order.push('take');
      inSlot = true;
      try {
        return await run();
      } finally {
        inSlot = false;
      }
    };
    // the apply chain, protection, test.patch and the canary plan run before any slot is taken
    const ok = await evaluate({ task, modelPatch: gold, sandbox: watched, repoCache: cache, workDir, testSlot, beforeTests: async () => void order.push('beforeTests') });
    expect(ok.outcome).toBe('resolved');
    expect(order).toEqual(['beforeTests', 'take', 'slot test']);
    order.length = 0;
    const withSetup = await evaluate({ task: { ...task, setup: 'true' }, modelPatch: gold, sandbox: watched, repoCache: cache, workDir, testSlot, beforeTests: async () => void order.push('beforeTests') });
    expect(withSetup.outcome).toBe('resolved');
    expect(order).toEqual(['take', 'slot setup', 'beforeTests', 'take', 'slot test']);
  });

  it('removes every workspace it made', () => {
    expect(existsSync(workDir) ? readdirSync(workDir) : []).toEqual([]);
  });
});
