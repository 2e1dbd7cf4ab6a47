// prepareRunner: the runner detected from the workspace, the plain command planned, the helper
// written without following links, an unsupported mocha refused before anything runs.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { prepareRunner } from '../../../src/evaluation/runner-run.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-runner-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('prepareRunner', () => {
  it('auto: detects tape through the npm script and writes its preload beside the report', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'tape test/*.js' } }));
    const r = await prepareRunner(dir, { test_cmd: 'npm test' }, 'auto');
    expect(r.adapter.name).toBe('tape');
    expect(r.plan.cmd).toMatch(/^npm test -- -r \.\/\.fixbench-[0-9a-f]{16}-helper\.cjs$/);
    expect(r.reportPath).toMatch(/^\.fixbench-[0-9a-f]{16}-report$/);
    expect(await readFile(path.join(dir, r.plan.helper!.path), 'utf8')).toContain(JSON.stringify(r.reportPath));
  });
  it('mocha: the installed major picks the report channel; an unreadable or linked install fails before any run', async () => {
    await mkdir(path.join(dir, 'node_modules', 'mocha'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"1.21.5"}');
    expect((await prepareRunner(dir, { test_cmd: './node_modules/.bin/_mocha test/' }, 'auto')).plan.from).toBe('stdout');
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"10.8.2"}');
    expect((await prepareRunner(dir, { test_cmd: 'npx mocha' }, 'mocha')).plan.from).toBe('file');
    await rm(path.join(dir, 'node_modules'), { recursive: true });
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'fixbench-runner-run-nm-'));
    await mkdir(path.join(elsewhere, 'mocha'));
    await writeFile(path.join(elsewhere, 'mocha', 'package.json'), '{"version":"10.8.2"}');
    await symlink(elsewhere, path.join(dir, 'node_modules'));
    await expect(prepareRunner(dir, { test_cmd: 'npx mocha' }, 'mocha')).rejects.toThrow(/symlinked node_modules/);
    await rm(elsewhere, { recursive: true, force: true });
  });
  it('auto with no known runner names what to set', async () => {
    await expect(prepareRunner(dir, { test_cmd: 'make check' }, 'auto')).rejects.toThrow(UserInputError);
    await expect(prepareRunner(dir, { test_cmd: 'make check' }, 'auto')).rejects.toThrow(/name it \(test_report: vitest/);
  });
});
