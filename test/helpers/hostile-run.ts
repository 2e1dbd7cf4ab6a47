// A small run folder whose model output is hostile — markup, a closing </svg>, quotes, a 1 MB line —
// written through the real store (RunWriter) with a trajectory in the bash agent's format, for the
// report's escaping tests and the browser test.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { trajectoryPath } from '../../src/store/trajectory.ts';
import { TRAJECTORY_FORMAT } from '../../src/agents/bash.ts';
import { RunWriter } from '../../src/store/store.ts';
import type { AttemptRecord, RunHeader } from '../../src/store/records.ts';
import { makeAttempt, makeHeader, modelContender } from '../unit/analysis/fixtures.ts';
import { sampleRun } from '../unit/report/sample-run.ts';

/** Strings no report may emit raw. Each must show as text. */
export const HOSTILE = {
  script: '<script>alert("pwned")</script>',
  closeSvg: '</svg><img src=x onerror=alert(1)>',
  quotes: `"'><b onmouseover="alert(1)">q</b>`,
  /** A 1 MB line (no newline), marked at both ends so the head and tail can be found. */
  bigLine: `BIGLINE-START${'A'.repeat(1_048_576)}BIGLINE-END`,
} as const;

/** The model whose attempt carries the hostile output (a plain id: the hostile strings are its output). */
export const HOSTILE_MODEL = 'evil-model';
/** A hostile instance id (the store uses it as a folder name, so no slash). */
export const HOSTILE_TASK = `<img src=x onerror=alert(2)>"'`;

/**
 * Writes a run folder at `dir`: the sample run's contenders and records, plus `evil-model`, whose
 * attempt at {@link HOSTILE_TASK} has a hostile patch and error and a trajectory of hostile steps.
 * Returns the header and records as stored.
 */
export async function writeHostileRun(dir: string): Promise<{ header: RunHeader; attempts: AttemptRecord[] }> {
  const sample = sampleRun();
  const tasks = [...sample.header.suite.instance_ids, HOSTILE_TASK];
  const header = makeHeader({
    ...sample.header,
    suite: { hash: sample.header.suite.hash, instance_ids: tasks },
    contenders: [...sample.header.contenders, modelContender(HOSTILE_MODEL, { region: 'EU', price: { input: '0.5', output: '2' } })],
  });
  const w = await RunWriter.create(dir, header);
  const stored: AttemptRecord[] = [];
  for (const a of sample.attempts) stored.push(await w.appendAttempt(a));
  for (const t of tasks) {
    const hostile = t === HOSTILE_TASK;
    const rec = makeAttempt(HOSTILE_MODEL, t, hostile ? 'unresolved' : 'resolved', 0.05, {
      steps: 3,
      calls: 3,
      model_patch: hostile ? `diff --git a/x b/x\n+${HOSTILE.script}\n+${HOSTILE.closeSvg}\n+${HOSTILE.quotes}\n` : 'diff --git a/x b/x\n',
      error: hostile ? `agent said ${HOSTILE.quotes} ${HOSTILE.script}` : null,
    });
    stored.push(await w.appendAttempt(rec));
    const call = (input: number) => ({ usage: { input_uncached: input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 100, reasoning: 0 }, raw_usage: {}, list_usd: 0.01, billed_usd: null, ms: 900 });
    const steps = hostile
      ? [
          { step: 1, thought: HOSTILE.script, command: `echo '${HOSTILE.closeSvg}'`, observation: HOSTILE.quotes, call: call(2_000), context_tokens: 2_000 },
          { step: 2, thought: 'read the big file', command: 'cat big.txt', observation: HOSTILE.bigLine, call: call(5_000), context_tokens: 5_000 },
          { step: 3, thought: null, command: null, observation: null, call: call(9_000), context_tokens: 9_000 },
        ]
      : [{ step: 1, thought: 'fix it', command: 'sed -i s/a/b/ x', observation: '', call: call(1_500), context_tokens: 1_500 }];
    await writeFile(
      await dirFor(trajectoryPath(dir, { contender: HOSTILE_MODEL, instance_id: t, attempt: 0 })),
      JSON.stringify({ format: TRAJECTORY_FORMAT, agent: 'bash', model: HOSTILE_MODEL, instance_id: t, protocol: 'tool_calls', limits: { steps: 40, costUsd: 0.5, wallMs: 1_200_000, commandTimeoutMs: 60_000, outputChars: 10_000, formatErrors: 3 }, exit_status: 'submitted', error: null, steps, messages: [] }),
    );
  }
  // A trajectory that is not valid: shown as a note on its page, never fatal.
  await writeFile(await dirFor(trajectoryPath(dir, { contender: 'claude-sonnet-4.5', instance_id: sample.header.suite.instance_ids[0]!, attempt: 0 })), '{"format": "something-else"');
  return { header, attempts: stored };
}

/** `file`, its folder created. */
async function dirFor(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  return file;
}
