// The bash agent's first model call is sent while its workspace is being made (issue 18, the
// I/O-bound first turn): the call needs only the prompt, whose workspace path is decided before the
// checkout exists; the first command waits for the workspace. A setup that runs something still takes
// a test slot, and the call does not wait for it. A workspace that fails after a call keeps the call:
// infra_error (stage workspace) with its tokens and USD in the record and settled in the ledger.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { AttemptRecord } from '../../../src/core/records.ts';
import { runOneAttempt } from '../../../src/runner/attempt.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { ledgerPath, readLedgerLines } from '../../../src/store/ledger.ts';
import { bashBlock, startFakeProvider, type FakeProvider, type FakeScript } from '../../helpers/fake-provider.ts';
import { oneFileTask } from '../../helpers/one-file-task.ts';

const { root, sandbox, task, repoCache } = oneFileTask('fixbench-first-call-');
let fake: FakeProvider | undefined;
afterEach(async () => fake?.close());

const limits = { steps: 5, costUsd: null, wallMs: 60_000, commandTimeoutMs: 20_000, outputChars: 2000, formatErrors: 3 };

/**
 * One attempt of a bash-agent model on the fake provider. The run's only test slot is held until the
 * script calls `release` (or 5 s passed: code whose first call waits for the setup gets there, with
 * `byCall` false).
 */
async function attempt(setup: string, script: (release: () => void) => FakeScript) {
  const test = pLimit(1);
  let release!: () => void;
  let byCall = false;
  await new Promise<void>((started) => void test(() => new Promise<void>((r) => ((release = r), started()))));
  let late = false;
  const timer = setTimeout(() => ((late = true), release()), 5000);
  fake = await startFakeProvider(script(() => ((byCall = !late), clearTimeout(timer), release())));
  const spec = ModelSpec.parse({ id: 'm', provider: 'fake', api: 'openai', base_url: fake.baseURL, api_key_env: 'M_KEY', model: 'fake/m', vendor: 'Fake', region: 'US' });
  const runDir = mkdtempSync(join(root, 'run-'));
  const logged: AttemptRecord[] = [];
  const env = {
    opts: { runId: 'r', sandbox, repoCache: repoCache(), limits, priceSheet: { file: 'p' }, budgetUsd: null },
    writer: { dir: runDir, trajectorySink: () => async () => {}, writeAttemptLogs: async (r: AttemptRecord) => void logged.push(r) },
    budget: new RunBudget(null), workRoot: mkdtempSync(join(root, 'w-')), redact: (s: string) => s,
    pools: { test, model: pLimit(64) }, onBudgetRefused: () => {},
  } as never;
  const plan = { kind: 'model', model: { spec, price: { input: '1.00', output: '2.00' } }, apiKey: 'sk-test-0123456789' };
  const job = { task: { ...task(), setup }, plan, contender: { id: 'm' }, attempt: 1, key: 'k1' } as never;
  const record = await runOneAttempt(job, env);
  clearTimeout(timer);
  return { record, byCall, requests: fake.requests, ledger: await readLedgerLines(ledgerPath(runDir, 'k1')) };
}

const text = (body: { messages: Array<{ content: unknown }> }) => JSON.stringify(body.messages);

describe('the bash agent\'s first call while the workspace is made', () => {
  it('arrives while the setup waits for its test slot; the command runs in the workspace the prompt named', async () => {
    const { record, requests, byCall } = await attempt('true', (release) => (_req, i) => {
      if (i === 0) {
        release(); // the setup could not run before: the slot was held
        return bashBlock('pwd');
      }
      return i === 1 ? bashBlock('echo FIXBENCH_SUBMIT') : undefined;
    });
    expect(byCall).toBe(true);
    expect(record.exit_status).toBe('submitted');
    expect(record.calls).toBe(2);
    // the workspace the first prompt showed is the folder `pwd` printed (where the command ran)
    const shown = /repository at (\/\S+)\.\\n/.exec(text(requests[0]!.body))?.[1];
    expect(shown).toMatch(/\/ws-\w+\//);
    const observed = requests[1]!.body.messages.at(-1).content as string;
    expect(observed).toContain(`${shown}\n`);
  }, 60_000);

  it('a setup that fails after the call: infra_error (stage workspace) with the call\'s tokens and USD, settled in the ledger', async () => {
    const { record, requests, ledger, byCall } = await attempt('exit 3', (release) => (_req, i) => {
      if (i === 0) {
        release();
        return bashBlock('echo FIXBENCH_SUBMIT');
      }
      return undefined;
    });
    expect(byCall).toBe(true);
    expect(requests).toHaveLength(1);
    expect(record.outcome).toBe('infra_error');
    expect(record.error).toMatchObject({ stage: 'workspace', kind: 'harness_fault' });
    expect(record.calls).toBe(1);
    expect(record.usage).toMatchObject({ input_uncached: 100, output: 10 });
    expect(record.list_usd).toBeCloseTo((100 * 1 + 10 * 2) / 1e6, 12);
    const kinds = ledger.map((l) => l.kind);
    expect(kinds[0]).toBe('pending');
    expect(kinds.length).toBe(2); // the pending line and the call's settled line
  }, 60_000);
});
