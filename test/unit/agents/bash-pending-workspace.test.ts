// The bash agent started before its workspace is made (`AttemptContext.workspaceReady`): its first
// model call goes out at once with the same prompt; nothing touches the workspace (no command, no
// warm-container hint) until it is made; a workspace that cannot be made or an abort while waiting
// ends the attempt with the calls made; the wall clock starts when the workspace is made.
import { afterEach, describe, expect, it } from 'vitest';
import { SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { ExecOptions, ExecResult, Sandbox } from '../../../src/sandbox/types.ts';
import { toolCall } from '../../helpers/fake-openai.ts';
import { cleanupRuns, runBash } from './harness.ts';

afterEach(cleanupRuns);

const bash = (command: string) => toolCall('bash', { command });

/** A promise settled from outside. */
function gate() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A sandbox recording hints and commands around the real local one. */
function recording(): { sandbox: Sandbox; events: string[]; local: LocalSandbox } {
  const local = new LocalSandbox();
  const events: string[] = [];
  const sandbox: Sandbox = {
    kind: 'local',
    exec: (command: string, opts: ExecOptions): Promise<ExecResult> => (events.push('exec'), local.exec(command, opts)),
    warmNext: () => void events.push('warmNext'),
    dropWarm: () => void events.push('dropWarm'),
  };
  return { sandbox, events, local };
}

describe('bash agent: started before its workspace is made', () => {
  it('sends the same prompt (byte for byte, apart from the workspace path) as when the workspace was made first', async () => {
    const submit = () => [bash(`echo ${SUBMIT_SENTINEL}`)];
    const before = await runBash(submit());
    const ready = gate();
    const early = await runBash((_r, i) => (i === 0 ? (ready.resolve(), submit()[0]) : undefined), { workspaceReady: ready.promise });
    expect(early.result.exit_status).toBe('submitted');
    const norm = (run: typeof before) => JSON.stringify(run.messagesOf(0)).split(run.ws.dir).join('<ws>');
    expect(norm(early)).toBe(norm(before));
    expect(norm(early)).toContain('<ws>');
  });

  it('no hint and no command before the workspace is made; the hint follows it while the call is pending', async () => {
    const rec = recording();
    const ready = gate();
    let atCall: string[] = [];
    try {
      const run = await runBash((_r, i) => {
        if (i === 0) {
          atCall = [...rec.events];
          ready.resolve();
          return bash('true');
        }
        return i === 1 ? bash(`echo ${SUBMIT_SENTINEL}`) : undefined;
      }, { sandbox: rec.sandbox, workspaceReady: ready.promise });
      expect(run.result.exit_status).toBe('submitted');
      expect(atCall).toEqual([]);
      expect(rec.events).toEqual(['warmNext', 'exec', 'warmNext', 'exec', 'dropWarm']);
    } finally {
      await rec.local.cleanup();
    }
  });

  it('the hint given once the workspace is made carries when its call was sent (the warm delay counts from there)', async () => {
    const local = new LocalSandbox();
    const since: Array<number | undefined> = [];
    const sandbox: Sandbox = { kind: 'local', exec: (c, o) => local.exec(c, o), warmNext: (_o, s) => void since.push(s), dropWarm: () => {} };
    const ready = gate();
    let sentBy = 0;
    let madeAt = 0;
    try {
      const run = await runBash((_r, i) => {
        if (i === 0) {
          // the call is at the provider: it was sent before this; the workspace is made now, while it is pending
          sentBy = performance.now();
          madeAt = performance.now();
          ready.resolve();
          return bash('true');
        }
        return i === 1 ? bash(`echo ${SUBMIT_SENTINEL}`) : undefined;
      }, { sandbox, workspaceReady: ready.promise });
      expect(run.result.exit_status).toBe('submitted');
      expect(since).toHaveLength(2);
      expect(since[0]).toBeLessThanOrEqual(sentBy);
      expect(since[0]).toBeLessThanOrEqual(madeAt);
      expect(since[1]).toBeGreaterThan(since[0]!);
    } finally {
      await local.cleanup();
    }
  });

  it('a workspace that cannot be made ends the attempt after the call, with it, and runs nothing', async () => {
    const rec = recording();
    const ready = gate();
    try {
      const run = await runBash((_r, i) => (i === 0 ? (ready.reject(new Error('setup failed')), bash('touch x')) : undefined), { sandbox: rec.sandbox, workspaceReady: ready.promise });
      expect(run.result.exit_status).toBe('env_error');
      expect(run.result.calls).toHaveLength(1);
      expect(run.result.calls[0]!.list_usd).toBeGreaterThan(0);
      expect(rec.events).toEqual(['dropWarm']);
    } finally {
      await rec.local.cleanup();
    }
  });

  it('an abort while waiting for the workspace ends the attempt as interrupted, running nothing', async () => {
    const rec = recording();
    const ctl = new AbortController();
    try {
      const run = await runBash((_r, i) => (i === 0 ? (setTimeout(() => ctl.abort(new Error('Ctrl-C')), 50), bash('touch x')) : undefined), {
        sandbox: rec.sandbox, workspaceReady: new Promise<void>(() => {}), signal: ctl.signal,
      });
      // ends although the workspace never comes (the call itself may be aborted or answered first: as today)
      expect(run.result).toMatchObject({ exit_status: 'env_error', error: 'interrupted' });
      expect(rec.events).toEqual(['dropWarm']);
    } finally {
      await rec.local.cleanup();
    }
  });

  it('the wall clock starts when the workspace is made (time spent making it is not the agent\'s)', async () => {
    let t = 0;
    const ready = gate();
    const run = await runBash((_r, i) => {
      if (i === 0) {
        t = 10_000; // making the workspace took 10 s, twice the wall limit
        ready.resolve();
        return bash('true');
      }
      return i === 1 ? bash(`echo ${SUBMIT_SENTINEL}`) : undefined;
    }, { workspaceReady: ready.promise, limits: { wallMs: 5000 }, agent: { now: () => t } });
    expect(run.result.exit_status).toBe('submitted');
  });
});
