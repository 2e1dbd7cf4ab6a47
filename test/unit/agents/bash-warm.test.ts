// The bash agent's hints to its sandbox (src/sandbox/warm.ts): the next command's container may be
// started while each model call is pending, with the options the command will get; dropped at the end.
import { afterEach, describe, expect, it } from 'vitest';
import { SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { ExecOptions, ExecResult, Sandbox } from '../../../src/sandbox/types.ts';
import { errorReply, textReply, toolCall } from '../../helpers/fake-openai.ts';
import { cleanupRuns, runBash } from './harness.ts';

afterEach(cleanupRuns);

const bash = (command: string) => toolCall('bash', { command });

/** A sandbox recording the hints and commands, in order, around the real local sandbox. */
function recording(): { sandbox: Sandbox; events: string[]; hinted: ExecOptions[]; ran: ExecOptions[]; local: LocalSandbox } {
  const local = new LocalSandbox();
  const events: string[] = [];
  const hinted: ExecOptions[] = [];
  const ran: ExecOptions[] = [];
  const sandbox: Sandbox = {
    kind: 'local',
    exec: (command: string, opts: ExecOptions): Promise<ExecResult> => {
      events.push('exec');
      ran.push(opts);
      return local.exec(command, opts);
    },
    warmNext: (opts: ExecOptions) => {
      events.push('warmNext');
      hinted.push(opts);
    },
    dropWarm: () => events.push('dropWarm'),
  };
  return { sandbox, events, hinted, ran, local };
}

describe('bash agent: warm container hints', () => {
  it('hints the next command\'s options before every model call (not while a command runs), and drops the hint at the end', async () => {
    const rec = recording();
    try {
      const run = await runBash([bash('true'), textReply('no command here'), bash(`echo ${SUBMIT_SENTINEL}`)], { sandbox: rec.sandbox });
      expect(run.result.exit_status).toBe('submitted');
      expect(rec.events).toEqual(['warmNext', 'exec', 'warmNext', 'warmNext', 'exec', 'dropWarm']);
      // the hint carries what the command gets, apart from its timeout
      const strip = ({ timeoutMs: _t, ...rest }: ExecOptions) => rest;
      for (const h of rec.hinted) expect(strip(h)).toEqual(strip(rec.ran[0]!));
    } finally {
      await rec.local.cleanup();
    }
  });

  it('drops the hint when the attempt ends without a command (provider error)', async () => {
    const rec = recording();
    try {
      const run = await runBash([errorReply(401, { message: 'bad key', code: 'invalid_api_key' })], { sandbox: rec.sandbox });
      expect(run.result.exit_status).toBe('api_error');
      expect(rec.events).toEqual(['warmNext', 'dropWarm']);
    } finally {
      await rec.local.cleanup();
    }
  });
});
