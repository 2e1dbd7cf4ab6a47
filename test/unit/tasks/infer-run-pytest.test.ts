// `tasks create --test-cmd '<pytest …>'` without --test-report: pytest has no adapter, so the error
// says how to give its JUnit report (newcomer11 #2), and a JS command's error does not mention pytest.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferRun } from '../../../src/tasks/infer-runner.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-infer-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inferRun for a command no adapter knows', () => {
  it('names --junitxml and --test-report junit: for pytest, not for another command', async () => {
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@a', ...a], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(path.join(dir, 'calc.py'), 'x = 1\n');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD').trim();
    await expect(inferRun(dir, base, 'python3 -m pytest tests', 'auto')).rejects.toThrow('(pytest: add --junitxml=report.xml to --test-cmd and pass --test-report junit:report.xml; README "Test runners")');
    const other = await inferRun(dir, base, 'make check', 'auto').catch((e: Error) => e.message);
    expect(other).toMatch(/^no test runner fixbench knows found in "make check"; pass --test-report /);
    expect(other).not.toMatch(/pytest/);
    await expect(inferRun(dir, base, 'python3 -m pytest --junitxml=r.xml tests', 'junit:r.xml')).resolves.toEqual({ test_cmd: 'python3 -m pytest --junitxml=r.xml tests', test_report: 'junit:r.xml' });
  });
});
