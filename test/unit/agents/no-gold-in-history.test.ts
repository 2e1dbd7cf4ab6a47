// The model never sees the gold patch or the hidden tests, even when the task's repository holds
// them in its history (a later commit, a tag, a branch): the workspace at base_commit carries none
// of it, so no git command the agent runs can find it (DESIGN.md §2, §11).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BashAgent } from '../../../src/agents/bash.ts';
import { SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { ModelSpec } from '../../../src/config/models.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { createWorkspace } from '../../../src/workspace/checkout.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { GOLD_MARKER, TEST_KEY, TEST_MARKER, defaultLimits, taskFor } from './harness.ts';

/** Every way an agent could look through git for a later commit, a tag, a branch or a stray object. */
const PROBES = [
  'git log --all --reflog -p',
  'git tag -l; git branch -a; git for-each-ref',
  'git cat-file --batch-all-objects --batch',
  'git fsck --unreachable --no-reflogs --lost-found 2>&1; cat .git/lost-found/*/* 2>/dev/null || true',
  'git stash list; cat .git/packed-refs .git/FETCH_HEAD .git/ORIG_HEAD 2>/dev/null || true',
  'grep -rla GOLD_PATCH . .git || true; ls -aR',
];

describe('bash agent on a repository whose history holds the fix', () => {
  let root: string;
  let repo: GitRepo;
  let ws: Workspace;
  let server: FakeOpenAI;
  const sandbox = new LocalSandbox();

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'fixbench-nogold-'));
    // base → the gold fix → the hidden tests → a later commit; a tag and a branch on the fix.
    repo = gitRepo({ 'greet.txt': 'hello\n' }, [
      { 'greet.txt': `hullo ${GOLD_MARKER}\n` },
      { 'test.txt': `${TEST_MARKER}\n` },
      { 'CHANGELOG.md': 'fixed\n' },
    ]);
    repo.git('tag', 'v1-fixed', repo.commits[1]!);
    repo.git('branch', 'fix-branch', repo.commits[2]!);
    repo.bundle(path.join(root, 'tasks', 'repos', 'tiny.bundle'));
    const cache = new RepoCache({ cacheDir: path.join(root, 'cache'), tasksDir: path.join(root, 'tasks') });
    ws = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: repo.commits[0]!, parentDir: path.join(root, 'work') });
    server = await startFakeOpenAI([...PROBES.map((command) => toolCall('bash', { command })), toolCall('bash', { command: `echo ${SUBMIT_SENTINEL}` })]);
  });
  afterAll(async () => {
    await server?.close();
    await ws?.cleanup();
    await sandbox.cleanup();
    repo?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('control: the same probes do find the fix and the hidden tests in the task repository itself', () => {
    const seen = PROBES.map((p) => execFileSync('bash', ['-c', p], { cwd: repo.dir, encoding: 'utf8', maxBuffer: 1 << 26 })).join('\n');
    expect(seen).toContain(GOLD_MARKER);
    expect(seen).toContain(TEST_MARKER);
  });

  it('in the workspace at base_commit, no probe shows the model the gold patch or the hidden tests', async () => {
    const spec = ModelSpec.parse({ id: 'fake-model', provider: 'fake', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'fake/model', vendor: 'v', region: 'US' });
    const model = new OpenAIChatClient(spec, TEST_KEY, null, { sleep: async () => {}, random: () => 0, baseDelayMs: 1 });
    const result = await new BashAgent({ toolCalls: true }).attempt({
      task: { ...taskFor(ws), repo: 'tiny', patch: `+hullo ${GOLD_MARKER}\n`, test_patch: `+${TEST_MARKER}\n` },
      workspace: ws,
      sandbox,
      limits: defaultLimits(),
      model,
    });
    expect(result.exit_status).toBe('submitted');
    expect(server.requests).toHaveLength(PROBES.length + 1);
    const last = JSON.stringify(server.requests.at(-1)!.body.messages);
    expect(last).toContain('<returncode>0</returncode>'); // the probes ran and their output came back
    expect(last).toContain('greet.txt');
    for (const r of server.requests) {
      const text = JSON.stringify(r.body);
      expect(text).not.toContain(GOLD_MARKER);
      expect(text).not.toContain(TEST_MARKER);
    }
  });
});
