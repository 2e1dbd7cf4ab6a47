// Test helpers for agents: a tiny real git repository, a task over it, and a bash-agent run against
// the fake OpenAI server through the real client and the real local sandbox.
import { hostRepoOf } from '../../helpers/host-repo.ts';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { AgentLimits, AttemptResult } from '../../../src/agents/types.ts';
import { trajectorySink, type TrajectorySink } from '../../../src/store/trajectory.ts';
import { noRedaction } from '../../../src/core/redact.ts';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { BashAgent, type BashAgentOptions } from '../../../src/agents/bash.ts';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PriceRow } from '../../../src/config/prices.ts';
import type { TaskSpec } from '../../../src/config/task.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { startFakeOpenAI, type FakeOpenAI, type FakeScript } from '../../helpers/fake-openai.ts';

export const TEST_KEY = 'sk-fake-agent-test-key-000111';

/** Environment of test git commands: no user config, fixed identity and dates. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

/** A git repository with `files` in one commit (fixed identity and dates); returns it as a Workspace. */
export async function gitRepo(files: Record<string, string>): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-agent-repo-'));
  const env = GIT_ENV;
  const git = (...args: string[]) => execa('git', args, { cwd: dir, env });
  await git('init', '-q', '-b', 'main');
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  await git('add', '-A');
  await git('commit', '-q', '-m', 'base');
  const baseCommit = (await git('rev-parse', 'HEAD')).stdout.trim();
  const host = await hostRepoOf(dir);
  return { dir, gitDir: host.gitDir, baseCommit, cleanup: async () => { await host.cleanup(); await rm(dir, { recursive: true, force: true }); } };
}

export const GOLD_MARKER = 'GOLD_PATCH_SECRET_MARKER_4711';
export const TEST_MARKER = 'HIDDEN_TEST_SECRET_MARKER_0815';

/** A task over `ws`; its gold and test patches carry markers the model must never see. */
export function taskFor(ws: Workspace, over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    instance_id: 'demo-1',
    repo: ws.dir,
    base_commit: ws.baseCommit,
    setup: '',
    test_cmd: 'true',
    test_report: 'exit-code',
    FAIL_TO_PASS: ['t'],
    PASS_TO_PASS: [],
    timeout_s: 60,
    tags: [],
    dir: ws.dir,
    problem_statement: 'greet() says "hello" but should say "hullo".',
    patch: `diff --git a/greet.txt b/greet.txt\n--- a/greet.txt\n+++ b/greet.txt\n@@ -1 +1 @@\n-hello\n+hullo ${GOLD_MARKER}\n`,
    test_patch: `diff --git a/test.txt b/test.txt\nnew file mode 100644\n--- /dev/null\n+++ b/test.txt\n@@ -0,0 +1 @@\n+${TEST_MARKER}\n`,
    ...over,
  };
}

export const defaultLimits = (): AgentLimits => ({
  steps: 20,
  costUsd: null,
  wallMs: 600_000,
  commandTimeoutMs: 30_000,
  outputChars: 10_000,
  formatErrors: 3,
});

export interface AgentRun {
  /** The agent's result plus the workspace's patch as the runner extracts it after the attempt. */
  result: AttemptResult & { model_patch: string };
  server: FakeOpenAI;
  ws: Workspace;
  trajectoryPath: string;
  /** The trajectory file as written. */
  trajectory(): Promise<any>;
  /** Messages of the n-th request the model received. */
  messagesOf(n: number): any[];
}

export interface RunOptions {
  toolCalls?: boolean;
  limits?: Partial<AgentLimits>;
  price?: PriceRow | null;
  files?: Record<string, string>;
  /** Fields of the task over the repo (e.g. its `node`). */
  task?: Partial<TaskSpec>;
  sandbox?: Sandbox;
  agent?: Partial<BashAgentOptions>;
  signal?: AbortSignal;
  /** Called with the trajectory path before the run (to read it from a script function). */
  onTrajectoryPath?: (p: string) => void;
  /** Given to the agent as `AttemptContext.workspaceReady` (the workspace still being made). */
  workspaceReady?: Promise<void>;
  /** Wraps the store's trajectory sink (to watch or fail the agent's writes). */
  sink?: (store: TrajectorySink) => TrajectorySink;
}

const cleanups: Array<() => Promise<void>> = [];

/** Closes servers and removes repos made by `runBash` (call in afterEach). */
export async function cleanupRuns(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
}

/** Runs the bash agent on a fresh repo against a fake server replying from `script`. */
export async function runBash(script: FakeScript, o: RunOptions = {}): Promise<AgentRun> {
  const server = await startFakeOpenAI(script);
  cleanups.push(() => server.close());
  const ws = await gitRepo(o.files ?? { 'greet.txt': 'hello\n' });
  cleanups.push(() => ws.cleanup());
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-agent-out-'));
  cleanups.push(() => rm(outDir, { recursive: true, force: true }));
  const trajectoryPath = path.join(outDir, 'trajectories', 'fake', 'demo-1', '0.json');
  o.onTrajectoryPath?.(trajectoryPath);
  const toolCalls = o.toolCalls ?? true;
  const spec = ModelSpec.parse({
    id: 'fake-model',
    provider: 'fake',
    api: 'openai',
    base_url: server.baseURL,
    api_key_env: 'FAKE_API_KEY',
    model: 'fake/model',
    vendor: 'fake',
    region: 'US',
    tool_calls: toolCalls,
  });
  const client = new OpenAIChatClient(spec, TEST_KEY, o.price === undefined ? { input: '1', output: '2' } : o.price, {
    sleep: async () => {},
    random: () => 0,
    baseDelayMs: 1,
  });
  const sandbox = o.sandbox ?? new LocalSandbox();
  if (sandbox instanceof LocalSandbox) cleanups.push(() => sandbox.cleanup());
  const agent = new BashAgent({ toolCalls, ...o.agent });
  const result = await agent.attempt({
    task: taskFor(ws, o.task),
    workspace: ws,
    sandbox,
    limits: { ...defaultLimits(), ...o.limits },
    model: client,
    saveTrajectory: (o.sink ?? ((store) => store))(trajectorySink(outDir, { contender: 'fake', instance_id: 'demo-1', attempt: 0 }, noRedaction)),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.workspaceReady ? { workspaceReady: o.workspaceReady } : {}),
  });
  return {
    result: { ...result, model_patch: (await extractPatch(ws)).patch },
    server,
    ws,
    trajectoryPath,
    trajectory: async () => JSON.parse(await readFile(trajectoryPath, 'utf8')),
    messagesOf: (n) => server.requests[n]!.body.messages,
  };
}
