// task.yaml `node: <version>` reaches the agent's own commands, as it reaches setup and tests: the
// built-in bash agent and an external agent's command find the task's Node first on PATH, while a
// built-in preset's CLI (launched through agentCliFunction) still runs on the agent's own Node.
// The task's Node is a stand-in installed in the cache (bin/node runs the host node reporting
// v12.22.12), so the test proves the plumbing, not a real Node 12 build.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { CommandAgent, shellQuote } from '../../../src/agents/command.ts';
import { agentCliFunction } from '../../../src/agents/task-runtime.ts';
import { noRedaction } from '../../../src/core/redact.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { trajectorySink } from '../../../src/store/trajectory.ts';
import { nodeRuntimeDir, taskRuntimeExecOptions } from '../../../src/workspace/node-runtime.ts';
import { existsSync } from 'node:fs';
import { startFakeUpstream, chatCompletion } from '../../helpers/fake-upstream.ts';
import { toolCall } from '../../helpers/fake-openai.ts';
import { cleanupRuns, defaultLimits, gitRepo, runBash, taskFor } from './harness.ts';

const VERSION = '12.22.12';
let tmp: string;
const savedCache = process.env.FIXBENCH_CACHE_DIR;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-task-node-'));
  const dir = nodeRuntimeDir(path.join(tmp, 'cache'), VERSION);
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  writeFileSync(path.join(dir, 'preload.cjs'), `Object.defineProperty(process, 'version', { value: 'v${VERSION}' });\n`);
  writeFileSync(path.join(dir, 'bin', 'node'), `#!/bin/sh\nexec ${shellQuote(process.execPath)} --require "$(dirname "$0")/../preload.cjs" "$@"\n`);
  chmodSync(path.join(dir, 'bin', 'node'), 0o755);
  writeFileSync(path.join(dir, 'runtime.json'), '{"packages":[]}\n'); // a complete install: nothing is fetched
  process.env.FIXBENCH_CACHE_DIR = path.join(tmp, 'cache');
});
afterAll(async () => {
  if (savedCache === undefined) delete process.env.FIXBENCH_CACHE_DIR;
  else process.env.FIXBENCH_CACHE_DIR = savedCache;
  await rm(tmp, { recursive: true, force: true });
});
afterEach(cleanupRuns);

const bash = (command: string) => toolCall('bash', { command });

describe("the task's Node for the agent's commands", () => {
  it('the built-in bash agent runs its commands with the task node first on PATH', async () => {
    const run = await runBash([bash('node -p process.version'), bash(`echo ${SUBMIT_SENTINEL}`)], { task: { node: VERSION } });
    expect(run.result.exit_status).toBe('submitted');
    expect(JSON.stringify(run.messagesOf(1))).toContain(`v${VERSION}`);
  });

  it("regression: the runtime's npm config (registry, proxy) is given to setup only, never in the folder shown to the agent or the tests", async () => {
    const dir = nodeRuntimeDir(path.join(tmp, 'cache'), VERSION);
    // A runtime installed by an earlier fixbench kept it inside: it is moved out on first use.
    mkdirSync(path.join(dir, 'etc'), { recursive: true });
    writeFileSync(path.join(dir, 'etc', 'npmrc'), 'registry=https://npm.corp.example/\n');
    const agentSide = await taskRuntimeExecOptions({ node: VERSION });
    expect(agentSide).toEqual({ pathPrefix: [path.join(dir, 'bin')], readOnly: [dir] });
    expect(existsSync(path.join(dir, 'etc', 'npmrc'))).toBe(false);
    const setup = await taskRuntimeExecOptions({ node: VERSION }, { setup: true });
    expect(setup).toEqual({ pathPrefix: [path.join(dir, 'bin')], readOnly: [dir, `${dir}.npmrc`], env: { npm_config_globalconfig: `${dir}.npmrc` } });
    expect(await readFile(`${dir}.npmrc`, 'utf8')).toBe('registry=https://npm.corp.example/\n');
    const run = await runBash([bash(`cat ${shellQuote(path.join(dir, 'etc', 'npmrc'))} || echo NO-NPMRC`), bash(`echo ${SUBMIT_SENTINEL}`)], { task: { node: VERSION } });
    expect(JSON.stringify(run.messagesOf(1))).toContain('NO-NPMRC');
    expect(JSON.stringify(run.messagesOf(1))).not.toContain('npm.corp.example');
  });

  it('without node, the bash agent runs the sandbox node', async () => {
    const run = await runBash([bash('node -p process.version'), bash(`echo ${SUBMIT_SENTINEL}`)]);
    expect(JSON.stringify(run.messagesOf(1))).toContain(process.version);
    expect(JSON.stringify(run.messagesOf(1))).not.toContain(`v${VERSION}`);
  });

  it("an external agent's command finds the task node; a preset-style CLI runs on the agent's node and its child commands on the task's", async () => {
    const upstream = await startFakeUpstream([{ json: chatCompletion('done', { prompt_tokens: 1, completion_tokens: 1 }) }]);
    const ws = await gitRepo({ 'greet.txt': 'hello\n' });
    const sandbox = new LocalSandbox();
    try {
      // The CLI: a `#!/usr/bin/env node` script that reports its own Node and the one a child command finds.
      const cli = path.join(tmp, 'fake-cli.js');
      writeFileSync(cli, "#!/usr/bin/env node\nconst { execSync } = require('node:child_process');\nconsole.log(`cli=${process.version} child=${execSync('node -p process.version').toString().trim()}`);\n");
      chmodSync(cli, 0o755);
      const out = path.join(ws.dir, '.seen');
      const command = `node -p process.version > ${shellQuote(out)}; ${agentCliFunction('fakecli', cli, null)}; fakecli >> ${shellQuote(out)}`;
      const agent = new CommandAgent({ id: 'probe', command });
      await agent.attempt({
        task: taskFor(ws, { node: VERSION }),
        workspace: ws,
        sandbox,
        limits: defaultLimits(),
        saveTrajectory: trajectorySink(tmp, { contender: 'probe', instance_id: 'demo-1', attempt: 0 }, noRedaction),
        upstream: { dialect: 'openai', baseURL: upstream.openaiBaseURL, apiKey: 'sk-x', model: 'm', price: null },
      });
      expect((await readFile(out, 'utf8')).split('\n')).toEqual([`v${VERSION}`, `cli=${process.version} child=v${VERSION}`, '']);
    } finally {
      await upstream.close();
      await sandbox.cleanup();
      await ws.cleanup();
    }
  });
});
