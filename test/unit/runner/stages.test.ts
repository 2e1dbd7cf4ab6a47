// The attempt pipeline's places (src/runner/stages.ts): who may prepare and who may test, in order.
import { describe, expect, it } from 'vitest';
import { AttemptStages, Places, pipelines, type Stage } from '../../../src/runner/stages.ts';
import { runsUntrustedCode, type ContenderPlan } from '../../../src/runner/run.ts';

/** A promise with its resolve function, to step the works by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Places', () => {
  it('hands places out first come, first served, and never more than its size', async () => {
    const p = new Places(1);
    const got: number[] = [];
    await p.take();
    const waits = [1, 2, 3].map((n) => p.take().then(() => got.push(n)));
    await tick();
    expect(got).toEqual([]);
    p.give();
    await tick();
    expect(got).toEqual([1]);
    p.give();
    p.give();
    await Promise.all(waits);
    expect(got).toEqual([1, 2, 3]);
  });
});

describe('pipelines', () => {
  it('without re-runs always; with them only when the test pool holds every attempt of both stages at once', () => {
    expect(pipelines({ attempts: 64, test: 2, rerunFailed: 0 })).toBe(true);
    expect(pipelines({ attempts: 1, test: 1, rerunFailed: 0 })).toBe(true);
    expect(pipelines({ attempts: 1, test: 2, rerunFailed: 2 })).toBe(true);
    expect(pipelines({ attempts: 2, test: 4, rerunFailed: 1 })).toBe(true);
    expect(pipelines({ attempts: 2, test: 2, rerunFailed: 1 })).toBe(false);
    expect(pipelines({ attempts: 64, test: 2, rerunFailed: 1 })).toBe(false);
  });
});

describe('AttemptStages', () => {
  /** Three works of one place each; each records its steps, and tests only when its gate opens. */
  async function three(pipelined: boolean) {
    const stages = new AttemptStages(1, pipelined);
    const log: string[] = [];
    const tests = [gate(), gate(), gate()];
    const runs = [0, 1, 2].map((i) =>
      stages.run(async (stage: Stage) => {
        log.push(`start ${i}`);
        await stage.enterTests();
        log.push(`test ${i}`);
        await tests[i]!.promise;
        await stage.recordTurn(); // the runner's call before the record
        log.push(`end ${i}`);
      }),
    );
    return { log, tests, runs };
  }

  it('pipelined: the next attempt starts once this one tests, and tests only after this one ended', async () => {
    const { log, tests, runs } = await three(true);
    await tick();
    // 1 prepares while 0 tests (its place is handed over as 0 enters them); 2 waits
    expect([...log].sort()).toEqual(['start 0', 'start 1', 'test 0']);
    tests[0]!.open();
    await tick();
    // 1 tests only once 0 has ended; then 2 starts
    expect([...log.slice(3)].sort()).toEqual(['end 0', 'start 2', 'test 1']);
    expect(log.indexOf('test 1')).toBeGreaterThan(log.indexOf('end 0'));
    expect(log.indexOf('start 2')).toBeGreaterThan(log.indexOf('end 0'));
    tests[1]!.open();
    tests[2]!.open();
    await Promise.all(runs);
    expect(log.indexOf('test 2')).toBeGreaterThan(log.indexOf('end 1'));
    expect(log.slice(-1)).toEqual(['end 2']);
  });

  it('not pipelined: one attempt from its start to its end, as a plain pool', async () => {
    const { log, tests, runs } = await three(false);
    await tick();
    expect(log).toEqual(['start 0', 'test 0']);
    for (const t of tests) t.open();
    await Promise.all(runs);
    expect(log).toEqual(['start 0', 'test 0', 'end 0', 'start 1', 'test 1', 'end 1', 'start 2', 'test 2', 'end 2']);
  });

  it('a work that never tests, or throws, gives its place back', async () => {
    const stages = new AttemptStages(1, true);
    await expect(stages.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await stages.run(async () => 'no tests')).toBe('no tests');
    // a work that threw after entering its tests also frees its test place
    await expect(stages.run(async (st) => { await st.enterTests(); throw new Error('late'); })).rejects.toThrow('late');
    expect(await stages.run(async (st) => (await st.enterTests(), st.leaveTests(), st.leaveTests(), 'tested'))).toBe('tested');
    // every place is free again: two works in a row run without waiting
    expect(await stages.run(async (st) => (await st.recordTurn(), 'again'))).toBe('again');
  });

  it('leaveTests: the next attempt tests while this one reads its results, and records after it', async () => {
    const stages = new AttemptStages(1, true);
    const log: string[] = [];
    const recordOf0 = gate();
    const first = stages.run(async (st) => {
      await st.enterTests();
      log.push('test 0');
      st.leaveTests(); // test commands over; results still being read
      await recordOf0.promise;
      await st.recordTurn();
      log.push('record 0');
    });
    const second = stages.run(async (st) => {
      await st.enterTests();
      log.push('test 1');
      st.leaveTests();
      await st.recordTurn();
      log.push('record 1');
    });
    await tick();
    await tick();
    expect(log).toEqual(['test 0', 'test 1']); // 1 tests before 0 is recorded, but does not record before it
    recordOf0.open();
    await Promise.all([first, second]);
    expect(log).toEqual(['test 0', 'test 1', 'record 0', 'record 1']);
  });

  it.each([false, true])('with two places (pipelined: %s), recordTurn waits for no one: records as attempts finish', async (pipelined) => {
    const stages = new AttemptStages(2, pipelined);
    const log: string[] = [];
    const slow = gate();
    const a = stages.run(async (st) => { await st.enterTests(); st.leaveTests(); await slow.promise; await st.recordTurn(); log.push('a'); });
    const b = stages.run(async (st) => { await st.enterTests(); await st.recordTurn(); log.push('b'); });
    await b;
    expect(log).toEqual(['b']);
    slow.open();
    await a;
    expect(log).toEqual(['b', 'a']);
  });

  it('one place: an untrusted agent starts only once the tests before it are over, and nothing prepares beside it until its tests', async () => {
    const stages = new AttemptStages(1, true);
    const log: string[] = [];
    const test0 = gate();
    const agent1 = gate();
    const trusted0 = stages.run(async (st) => {
      log.push('start 0');
      await st.enterTests();
      log.push('test 0');
      await test0.promise;
      st.leaveTests();
      log.push('left 0');
      await st.recordTurn();
    });
    const untrusted1 = stages.run(async (st) => {
      log.push('agent 1'); // the agent runs from the work's start
      await agent1.promise;
      await st.enterTests();
      log.push('test 1');
      st.leaveTests();
      await st.recordTurn();
    }, { untrusted: true });
    const trusted2 = stages.run(async (st) => {
      log.push('start 2');
      await st.enterTests();
      st.leaveTests();
      await st.recordTurn();
    });
    await tick();
    await tick();
    expect(log).toEqual(['start 0', 'test 0']); // 1's agent waits while 0 tests
    test0.open();
    await tick();
    await tick();
    expect(log).toEqual(['start 0', 'test 0', 'left 0', 'agent 1']); // 2 does not prepare beside 1's agent
    agent1.open();
    await Promise.all([trusted0, untrusted1, trusted2]);
    expect(log).toEqual(['start 0', 'test 0', 'left 0', 'agent 1', 'start 2', 'test 1']);
  });

  it('one place: an untrusted work that never tests (or throws) gives both its places back', async () => {
    const stages = new AttemptStages(1, true);
    expect(await stages.run(async () => 'budget stop', { untrusted: true })).toBe('budget stop');
    await expect(stages.run(async () => { throw new Error('boom'); }, { untrusted: true })).rejects.toThrow('boom');
    expect(await stages.run(async (st) => (await st.enterTests(), st.leaveTests(), await st.recordTurn(), 'tested'), { untrusted: true })).toBe('tested');
    expect(await stages.run(async (st) => (await st.enterTests(), 'again'))).toBe('again');
  });

  it('two places: untrusted attempts are not held back (at --concurrency >= 2 attempts share the machine)', async () => {
    const stages = new AttemptStages(2, true);
    const log: string[] = [];
    const t = gate();
    const a = stages.run(async (st) => { await st.enterTests(); log.push('test a'); await t.promise; });
    await tick();
    const b = stages.run(async () => void log.push('agent b'), { untrusted: true });
    await b;
    expect(log).toEqual(['test a', 'agent b']);
    t.open();
    await a;
  });
});

describe('runsUntrustedCode', () => {
  it('model agents, external agents and cascades run untrusted code; gold, noop and predictions do not', () => {
    const model = { kind: 'model' } as unknown as ContenderPlan;
    expect(runsUntrustedCode(model)).toBe(true);
    expect(runsUntrustedCode({ kind: 'model', agent: { id: 'claude-code' } } as unknown as ContenderPlan)).toBe(true);
    expect(runsUntrustedCode({ kind: 'cascade', id: 'cascade:a>b', stages: [], signal: 'visible', mode: 'fresh' })).toBe(true);
    expect(runsUntrustedCode({ kind: 'reference', agent: 'gold' })).toBe(false);
    expect(runsUntrustedCode({ kind: 'reference', agent: 'noop' })).toBe(false);
    expect(runsUntrustedCode({ kind: 'predictions', id: 'p', name: 'p', patches: new Map() })).toBe(false);
  });
});
