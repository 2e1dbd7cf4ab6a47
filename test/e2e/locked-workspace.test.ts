// A model cannot make its own attempt an infra error (and so earn a free re-roll outside the
// denominator under --retry-errors or --resume) by taking its folders' owner bits away (attackF,
// atkB F1): through the real pipeline (`fixbench run`, the built-in agent), `chmod 000` on a
// NON-EMPTY folder, on a nested pair and on the workspace itself is followed by more commands, the
// patch extraction and the workspace's removal; the run ends 0 with the attempt recorded. Root
// ignores modes, so the CLI runs as nobody (setpriv) from a copy of the package it owns (its repo
// cache lives beside the package).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall } from '../helpers/fake-openai.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

const NOBODY = 65534;
const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
const LOCK = 'echo "// edited" >> index.js; mkdir -p locked && echo x > locked/f && chmod 000 locked; mkdir -p outer/inner && echo y > outer/inner/g && chmod 000 outer/inner outer';

let tmp: string;
let pkg: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-locked-e2e-'));
  await chmod(tmp, 0o755);
  if (!asNobody) return;
  // the package as nobody's own copy: tracked files, the built dist/, node_modules linked
  pkg = path.join(tmp, 'pkg');
  await mkdir(pkg);
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && existsSync(path.join(ROOT, f)));
  execFileSync('cp', ['--parents', '-a', '-t', pkg, ...files, 'dist'], { cwd: ROOT });
  await symlink(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  execFileSync('chown', ['-R', '-h', `${NOBODY}:${NOBODY}`, tmp]);
}, 120_000);
afterAll(async () => {
  if (tmp && existsSync(tmp)) execFileSync('chmod', ['-R', 'u+rwx', tmp]);
  await rm(tmp, { recursive: true, force: true });
});

/** Runs `fixbench run` as nobody with the fake model playing `commands`; returns the exit, stderr and the first record. */
async function runLocked(sandbox: string, commands: string[]): Promise<{ exitCode: number; stderr: string; rec: Record<string, unknown> | null; runDir: string }> {
  const usage = { prompt_tokens: 100, completion_tokens: 10 };
  const server = await startFakeOpenAI(commands.map((command) => toolCall('bash', { command }, { usage })));
  try {
    const dir = await mkdtemp(path.join(tmp, `${sandbox}-`));
    await chown(dir, NOBODY, NOBODY);
    const models = path.join(dir, 'models.yaml');
    await writeFile(models, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
    const prices = path.join(dir, '2026-04-01.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const results = path.join(dir, 'results');
    const r = await execa('setpriv', [
      `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'env', '-i', `PATH=${process.env.PATH}`, `HOME=${dir}`, `TMPDIR=${dir}`, 'NO_COLOR=1', 'FAKE_PROVIDER_API_KEY=sk-test-secret-value-0123456789',
      process.execPath, path.join(pkg, 'bin', 'fixbench.mjs'), 'run', '--task', 'js-duration-1', '--no-reference', '--sandbox', sandbox,
      '--models-file', models, '--prices', prices, '--results', results, '--reports', path.join(dir, 'reports'), '--run-id', 'r',
    ], { cwd: pkg, reject: false, timeout: 300_000 });
    const file = path.join(results, 'r', 'attempts.jsonl');
    const rec = existsSync(file) ? (JSON.parse((await readFile(file, 'utf8')).trim().split('\n')[0]!) as Record<string, unknown>) : null;
    return { exitCode: r.exitCode ?? -1, stderr: String(r.stderr), rec, runDir: path.join(results, 'r') };
  } finally {
    await server.close();
  }
}

describe.runIf(asNobody)('a workspace its agent locked (fixbench as an unprivileged user)', () => {
  it.each([['local'], ...(bwrapUsable ? [['bwrap']] : [])])('regression (--sandbox %s): locked non-empty and nested folders, then `chmod 000 .`, are the attempt\'s outcome: recorded, exit 0, never an infra error', async (sandbox) => {
    const { exitCode, stderr, rec } = await runLocked(sandbox, [LOCK, 'echo still here', 'chmod 000 . && echo FIXBENCH_SUBMIT']);
    expect(exitCode, stderr).toBe(0);
    expect(rec, stderr).not.toBeNull();
    expect(rec!.outcome, JSON.stringify(rec!.error)).not.toBe('infra_error');
    expect(rec!.exit_status).toBe('submitted');
    expect(rec!.model_patch).toContain('+// edited');
  }, 300_000);

  it('regression: the last command locking a non-empty folder (atkB F1) leaves a recorded attempt, exit 0', async () => {
    const { exitCode, stderr, rec } = await runLocked('local', [`${LOCK} && echo FIXBENCH_SUBMIT`]);
    expect(exitCode, stderr).toBe(0);
    expect(rec, stderr).not.toBeNull();
    expect(rec!.outcome, JSON.stringify(rec!.error)).not.toBe('infra_error');
    expect(rec!.exit_status).toBe('submitted');
  }, 300_000);
});
