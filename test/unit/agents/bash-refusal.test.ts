// A command that cannot be started (a NUL byte; longer than one exec argument can be) is the model's
// failed step, answered with why, never a sandbox fault (which made the attempt an infra_error, a
// free re-roll). The longest command accepted does run, under both backends.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_COMMAND_BYTES, SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';
import { toolCall } from '../../helpers/fake-openai.ts';
import { bwrapUsable } from '../sandbox/bwrap-usable.ts';
import { cleanupRuns, runBash } from './harness.ts';

afterEach(cleanupRuns);

const bash = (command: string) => toolCall('bash', { command });
const BIG = ': ' + 'a'.repeat(140_000);
/** Exactly MAX_COMMAND_BYTES bytes (a 3-byte character in the padding: bytes, not characters, count). */
const EDGE = 'echo edge-ran #€' + 'x'.repeat(MAX_COMMAND_BYTES - 18);

const backends: Array<[string, boolean, () => Sandbox]> = [
  ['local', true, () => new LocalSandbox()],
  ['bwrap', bwrapUsable, () => new BwrapSandbox()],
];

describe.each(backends)('bash agent, unrunnable commands (%s)', (_name, usable, make) => {
  it.runIf(usable)('answers a NUL byte and an over-long command as failed steps; the longest allowed runs', async () => {
    expect(Buffer.byteLength(EDGE)).toBe(MAX_COMMAND_BYTES);
    const sandbox = make();
    try {
      const run = await runBash([bash('echo hi\u0000'), bash(BIG), bash(EDGE), bash(`echo ${SUBMIT_SENTINEL}`)], { sandbox });
      expect(run.result.exit_status).toBe('submitted');
      expect(run.result.error).toBeUndefined();
      const seen = (n: number) => String(run.messagesOf(n).at(-1).content);
      expect(seen(1)).toContain('<returncode>126</returncode>');
      expect(seen(1)).toMatch(/command refused, not run: it contains a NUL byte/);
      expect(seen(2)).toContain('<returncode>126</returncode>');
      expect(seen(2)).toContain(`it is ${Buffer.byteLength(BIG)} bytes, more than the ${MAX_COMMAND_BYTES} bytes`);
      expect(seen(3)).toContain('<returncode>0</returncode>');
      expect(seen(3)).toContain('edge-ran');
      const t = await run.trajectory();
      expect(t.steps.map((s: { observation: string }) => /<returncode>(\d+)/.exec(s.observation)?.[1] ?? null)).toEqual(['126', '126', '0', null]);
    } finally {
      await (sandbox as { cleanup?: () => Promise<void> }).cleanup?.();
    }
  });
});
