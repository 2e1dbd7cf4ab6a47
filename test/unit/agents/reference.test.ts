import { readFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import path from 'node:path';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agents/index.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { GIT_ENV, GOLD_MARKER, defaultLimits, gitRepo, taskFor } from './harness.ts';

const sandbox = new LocalSandbox();
afterAll(() => sandbox.cleanup());
const made: Workspace[] = [];
afterEach(async () => {
  while (made.length) await made.pop()!.cleanup();
});
const repo = async (files: Record<string, string> = { 'greet.txt': 'hello\n' }) => {
  const ws = await gitRepo(files);
  made.push(ws);
  return ws;
};

describe('gold agent', () => {
  it('applies the task’s patch in the workspace (the runner extracts it), exit status submitted', async () => {
    const ws = await repo();
    const task = taskFor(ws);
    const r = await createAgent('gold').attempt({ task, workspace: ws, sandbox, limits: defaultLimits() });
    expect(r.exit_status).toBe('submitted');
    expect((await extractPatch(ws)).patch).toContain(`+hullo ${GOLD_MARKER}`);
    expect(await readFile(path.join(ws.dir, 'greet.txt'), 'utf8')).toBe(`hullo ${GOLD_MARKER}\n`);
    expect(r.calls).toEqual([]);
  });

  it('falls back to --3way when the patch was made against an older version of the file', async () => {
    const v1 = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const ws = await repo({ 'f.txt': v1 });
    const git = (...args: string[]) => execa('git', args, { cwd: ws.dir, env: GIT_ENV });
    // The gold patch changes e → E against v1, whose blob the repository holds …
    await writeFile(path.join(ws.dir, 'f.txt'), v1.replace('e\n', 'E\n'));
    const patch = (await git('diff')).stdout + '\n';
    // … but the base commit changed c → C, inside the patch's context: plain `git apply` fails.
    await writeFile(path.join(ws.dir, 'f.txt'), v1.replace('c\n', 'C\n'));
    await git('commit', '-qam', 'v2');
    const workspace = { ...ws, baseCommit: (await git('rev-parse', 'HEAD')).stdout.trim() };
    const r = await createAgent('gold').attempt({ task: taskFor(workspace, { patch }), workspace, sandbox, limits: defaultLimits() });
    expect(r.exit_status).toBe('submitted');
    expect(await readFile(path.join(ws.dir, 'f.txt'), 'utf8')).toBe('a\nb\nC\nd\nE\nf\ng\nh\n');
    expect((await extractPatch(workspace)).patch).toContain('-e\n+E\n');
  });

  it('ends with env_error (a task problem, not a score) when the patch applies nowhere', async () => {
    const ws = await repo({ 'other.txt': 'x\n' });
    const r = await createAgent('gold').attempt({ task: taskFor(ws), workspace: ws, sandbox, limits: defaultLimits() });
    expect(r.exit_status).toBe('env_error');
    expect(r.error).toMatch(/gold patch does not apply/);
    expect((await extractPatch(ws)).patch).toBe('');
  });
});

describe('noop agent', () => {
  it('submits an empty patch and touches nothing', async () => {
    const ws = await repo();
    const r = await createAgent('noop').attempt({ task: taskFor(ws), workspace: ws, sandbox, limits: defaultLimits() });
    // given, not extracted: the runner runs no git in its workspace (an untouched workspace extracts the same '')
    expect(r).toEqual({ given_patch: '', exit_status: 'submitted', calls: [], steps: 0, trajectory: [] });
    expect((await extractPatch(ws)).patch).toBe('');
    expect(await readFile(path.join(ws.dir, 'greet.txt'), 'utf8')).toBe('hello\n');
  });
});

describe('createAgent', () => {
  it('makes agents by name', () => {
    expect(createAgent('gold').name).toBe('gold');
    expect(createAgent('noop').name).toBe('noop');
    expect(createAgent('bash', { toolCalls: false }).name).toBe('bash');
  });
  it('refuses an unknown name and bash without options', () => {
    expect(() => createAgent('bash' as 'gold')).toThrow(/needs options/);
    expect(() => createAgent('aider' as 'gold')).toThrow(/unknown agent "aider"/);
  });
});
