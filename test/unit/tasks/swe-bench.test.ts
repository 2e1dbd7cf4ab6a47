import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { sweBenchKey } from '../../../src/core/swe-ids.ts';
import {
  instanceToTask, ownerName, parseJsonl, repoUrl, runSpecFor, SweBenchInstance, SweBenchPrediction, taskToInstance,
} from '../../../src/tasks/swe-bench.ts';

const row = {
  repo: 'acme/widget',
  instance_id: 'acme__widget-12',
  base_commit: 'a'.repeat(40),
  patch: 'diff --git a/src/w.py b/src/w.py\n--- a/src/w.py\n+++ b/src/w.py\n@@ -1 +1 @@\n-a\r\n+b\n\\ No newline at end of file\n',
  test_patch: 'diff --git a/tests/test_w.py b/tests/test_w.py\n--- a/tests/test_w.py\n+++ b/tests/test_w.py\n@@ -1 +1 @@\n-x\n+y\n',
  problem_statement: 'Widgets break.\n\n```py\nw()\n```\n',
  hints_text: 'see #11',
  created_at: '2023-05-01T12:00:00Z',
  version: '1.2',
  FAIL_TO_PASS: '["tests/test_w.py::test_new[a-b]"]',
  PASS_TO_PASS: '["tests/test_w.py::test_old", "tests/test_w.py::test_other"]',
  environment_setup_commit: 'b'.repeat(40),
  extra_field: { kept: true },
};
const spec = { setup: 'pip install -e .', test_cmd: 'pytest --junitxml=r.xml', test_report: 'junit:r.xml', timeout_s: 600 };

describe('SWE-bench instances', () => {
  it('read FAIL_TO_PASS / PASS_TO_PASS as JSON strings or lists', () => {
    const a = SweBenchInstance.parse(row);
    const b = SweBenchInstance.parse({ ...row, FAIL_TO_PASS: ['tests/test_w.py::test_new[a-b]'], PASS_TO_PASS: JSON.parse(row.PASS_TO_PASS) });
    expect(a.FAIL_TO_PASS).toEqual(['tests/test_w.py::test_new[a-b]']);
    expect(b.PASS_TO_PASS).toEqual(a.PASS_TO_PASS);
  });

  it('refuse a list string that is not JSON, naming file, line and field', () => {
    const text = `${JSON.stringify(row)}\n\n${JSON.stringify({ ...row, FAIL_TO_PASS: 'test_a, test_b' })}\n{oops\n`;
    const err = (() => {
      try {
        parseJsonl(text, SweBenchInstance, 'swe.jsonl', 'SWE-bench instances');
      } catch (e) {
        return e as UserInputError;
      }
    })();
    expect(err).toBeInstanceOf(UserInputError);
    expect(err!.message).toMatch(/swe\.jsonl:3: FAIL_TO_PASS: must be a list of test ids/);
    expect(err!.message).toMatch(/swe\.jsonl:4: not valid JSON/);
  });

  it('map to a task and back without loss', () => {
    const inst = SweBenchInstance.parse(row);
    const files = instanceToTask(inst, spec, 'https://github.com/acme/widget');
    expect(files.yaml).toMatchObject({ instance_id: 'acme__widget-12', repo: 'https://github.com/acme/widget', created_at: row.created_at, ...spec });
    expect(files.yaml.swe_bench).toEqual({ repo: 'acme/widget', hints_text: 'see #11', version: '1.2', environment_setup_commit: 'b'.repeat(40), extra_field: { kept: true } });
    expect(files.patch).toBe(row.patch);
    const task = { ...files.yaml, dir: path.join('/t', 'acme__widget-12'), problem_statement: files.problem_statement, patch: files.patch, test_patch: files.test_patch };
    expect(taskToInstance(task, { withRunSpec: false })).toEqual(row);
    expect(taskToInstance(task, { lists: 'array' }).FAIL_TO_PASS).toEqual(['tests/test_w.py::test_new[a-b]']);
    expect(taskToInstance(task).fixbench).toMatchObject(spec);
    // a pytest task made by fixbench (`tasks create`: fixbench ids) exports SWE-bench's node ids, which import and grade as the same tests (newcomer12 #4)
    const made = { ...task, FAIL_TO_PASS: ['tests/v1.2/test_w.py > TestW > test_new[a-b]', 'tests/test_w.py > test_old'], PASS_TO_PASS: ['a plain > name'] };
    const out = taskToInstance(made, { lists: 'array' });
    expect(out.FAIL_TO_PASS).toEqual(['tests/v1.2/test_w.py::TestW::test_new[a-b]', 'tests/test_w.py::test_old']);
    expect(out.PASS_TO_PASS).toEqual(['a plain > name']);
    expect((out.FAIL_TO_PASS as string[]).map(sweBenchKey)).toEqual(made.FAIL_TO_PASS);
    expect(taskToInstance({ ...made, test_cmd: 'node --test' }, { lists: 'array' }).FAIL_TO_PASS).toEqual(made.FAIL_TO_PASS); // not pytest: as they are
    // …and says they are SWE-bench's names, so the import aliases them: export → import keeps every test (atkF12 2)
    expect(taskToInstance(made).fixbench).toMatchObject({ ids: 'swe-bench' });
    const back = instanceToTask(SweBenchInstance.parse(taskToInstance(made)), spec, 'https://github.com/acme/widget');
    expect(back.yaml).toMatchObject({ ids: 'swe-bench', FAIL_TO_PASS: out.FAIL_TO_PASS });
    expect(taskToInstance({ ...made, ...back.yaml } as typeof made, { lists: 'array' }).FAIL_TO_PASS).toEqual(out.FAIL_TO_PASS); // and again: the same lines
    expect(taskToInstance({ ...task, ids: undefined }).fixbench).not.toHaveProperty('ids'); // ids already node ids: nothing rewritten
    // an id that would read back as another test (blanks around ` > ` in its parameters) keeps the task's ids as they are, unmarked (atkG12 1)
    const odd = { ...made, ids: undefined, FAIL_TO_PASS: ['tests/test_a.py > test_x[a  > b]'], PASS_TO_PASS: ['tests/test_a.py > test_plain'] };
    expect(sweBenchKey('tests/test_a.py > test_x[a  > b]')).not.toBe('tests/test_a.py > test_x[a  > b]');
    const oddOut = taskToInstance(odd, { lists: 'array' });
    expect([oddOut.FAIL_TO_PASS, oddOut.PASS_TO_PASS]).toEqual([odd.FAIL_TO_PASS, odd.PASS_TO_PASS]);
    expect(oddOut.fixbench).not.toHaveProperty('ids');
  });

  it('keep a created_at our schema does not accept under swe_bench', () => {
    const inst = SweBenchInstance.parse({ ...row, created_at: '2023/05/01' });
    const files = instanceToTask(inst, spec, '/repos/widget');
    expect(files.yaml.created_at).toBeUndefined();
    expect(files.yaml.swe_bench?.created_at).toBe('2023/05/01');
    const task = { ...files.yaml, dir: '/t/x', problem_statement: '', patch: '', test_patch: '' };
    expect(taskToInstance(task).created_at).toBe('2023/05/01');
  });

  it('name the instance and field of a task that would be invalid', () => {
    const inst = SweBenchInstance.parse({ ...row, FAIL_TO_PASS: '[]' });
    expect(() => instanceToTask(inst, spec, 'x')).toThrow(/acme__widget-12 does not make a valid task:\n {2}- FAIL_TO_PASS: list at least one test/);
  });
});

describe('run specs', () => {
  const inst = SweBenchInstance.parse(row);
  it('say what is missing', () => {
    expect(runSpecFor(inst, null, {})).toEqual({ spec: null, missing: ['test_cmd', 'test_report'], problems: [] });
  });
  it('take flags over the repo entry over "*" over the instance\'s own fixbench key', () => {
    const own = SweBenchInstance.parse({ ...row, fixbench: { test_cmd: 'own', test_report: 'tap', setup: 'own-setup' } });
    expect(runSpecFor(own, null, {}).spec).toEqual({ test_cmd: 'own', test_report: 'tap', setup: 'own-setup', timeout_s: 300 });
    const file = { '*': { test_cmd: 'star', test_report: 'tap' as const }, 'acme/widget': { test_cmd: 'repo' } };
    expect(runSpecFor(own, file, {}).spec?.test_cmd).toBe('repo');
    expect(runSpecFor(own, file, { test_cmd: 'flag', setup: undefined }).spec).toMatchObject({ test_cmd: 'flag', setup: 'own-setup' });
  });
  it('name a bad field', () => {
    expect(runSpecFor(inst, null, { test_cmd: 'x', test_report: 'xml' }).problems[0]).toMatch(/^test_report: must be a runner \(auto, .*"junit:<path>"/);
  });
});

describe('repositories', () => {
  it('owner/name is a GitHub URL and back', () => {
    expect(repoUrl('acme/widget')).toBe('https://github.com/acme/widget');
    expect(repoUrl('file:///srv/widget')).toBe('file:///srv/widget');
    expect(repoUrl('./widget')).toBe('./widget');
    expect(ownerName('https://github.com/acme/widget.git')).toBe('acme/widget');
    expect(ownerName('/srv/widget')).toBeNull();
  });
});

describe('predictions', () => {
  it('take a null model_patch', () => {
    expect(SweBenchPrediction.parse({ instance_id: 'a', model_name_or_path: 'm', model_patch: null }).model_patch).toBeNull();
    expect(() => parseJsonl('{"instance_id":"a","model_patch":""}\n', SweBenchPrediction, 'p.jsonl', 'predictions')).toThrow(/p\.jsonl:1: model_name_or_path: missing required field/);
    expect(() => parseJsonl('\n\n', SweBenchPrediction, 'p.jsonl', 'predictions')).toThrow(/p\.jsonl: no predictions/);
  });

  it('a number where a string belongs gets a JSON hint, not a YAML one', () => {
    let msg = '';
    try {
      parseJsonl('{"instance_id":5,"model_name_or_path":"m","model_patch":""}\n', SweBenchPrediction, 'p.jsonl', 'predictions');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/p\.jsonl:1: instance_id: .*write it as a JSON string/);
    expect(msg).not.toMatch(/YAML/);
  });

  it('reads a file with a byte-order mark and CRLF line ends', () => {
    const rows = parseJsonl('\uFEFF{"instance_id":"a","model_name_or_path":"m","model_patch":""}\r\n{"instance_id":"b","model_name_or_path":"m","model_patch":null}\r\n', SweBenchPrediction, 'p.jsonl', 'predictions');
    expect(rows.map((r) => [r.line, r.value.instance_id])).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('an empty model_name_or_path says what to put there', () => {
    expect(() => parseJsonl('{"instance_id":"a","model_name_or_path":"","model_patch":""}\n', SweBenchPrediction, 'p.jsonl', 'predictions')).toThrow(
      /p\.jsonl:1: model_name_or_path: is empty; name the model or agent/,
    );
  });
});

describe('pythonJsonList', () => {
  it('writes lists as Python json.dumps does', async () => {
    const { pythonJsonList } = await import('../../../src/tasks/swe-bench.ts');
    expect(pythonJsonList(['a', 'b "c"', 'é'])).toBe('["a", "b \\"c\\"", "\\u00e9"]');
    expect(pythonJsonList([])).toBe('[]');
  });
});

describe('--repo-dir', () => {
  it('maps owner/name=path, a bare path to every repository, and refuses an empty part', async () => {
    const { parseRepoDirs } = await import('../../../src/cli/tasks-swe.ts');
    expect([...parseRepoDirs(['acme/widget=/srv/w', '/srv/all'])]).toEqual([['acme/widget', '/srv/w'], ['*', '/srv/all']]);
    expect(() => parseRepoDirs(['acme/widget='])).toThrow(/--repo-dir acme\/widget=: write owner\/name=<path/);
  });
});
