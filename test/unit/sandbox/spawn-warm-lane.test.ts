// The `warm` lane of the spawn helper (src/sandbox/spawn-client.ts): up to WARM_HELPERS helpers,
// each warm container going to the one holding the fewest live commands, and another helper only
// once each holds WARM_PER_HELPER; so one helper's blocking fork holds up only its share of the
// containers' dispatches and exit reports, and a run of a few attempts keeps one helper. Each
// command prints its parent's pid (the helper that forked it), then stays alive until `release`.
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSpawnHelper, helperSpawn, WARM_HELPERS, WARM_PER_HELPER, type SpawnLane } from '../../../src/sandbox/spawn-client.ts';

/** A live command of `lane`: `parent` resolves with its helper's pid; `release` ends it and resolves once it is closed. */
function live(lane: SpawnLane): { parent: Promise<number>; release: () => Promise<void> } {
  let closed!: () => void;
  const done = new Promise<void>((r) => (closed = r));
  let handle!: ReturnType<typeof helperSpawn>;
  const parent = new Promise<number>((resolve, reject) => {
    handle = helperSpawn(
      // commandFd: it waits on fd 4 until dispatched (as a warm container does)
      { file: '/bin/sh', args: ['-c', 'echo $PPID; cat <&4 >/dev/null'], cwd: tmpdir(), env: {}, statusFd: false, commandFd: true },
      { started: () => {}, data: (fd, c) => void (fd === 1 && resolve(Number(c.toString('utf8').trim()))), closed: () => closed(), failed: reject },
      lane,
    );
  });
  return { parent, release: () => (handle.dispatch('', undefined), done) };
}

afterAll(() => closeSpawnHelper());

describe('spawn helper: the warm lane', () => {
  it(`keeps one helper for up to ${WARM_PER_HELPER} live containers, then spreads them over at most ${WARM_HELPERS}, fewest first`, async () => {
    expect(WARM_HELPERS).toBeGreaterThan(1);
    const first = Array.from({ length: WARM_PER_HELPER }, () => live('warm'));
    const firstParents = await Promise.all(first.map((c) => c.parent));
    expect(new Set(firstParents).size).toBe(1);
    const more = Array.from({ length: (WARM_HELPERS - 1) * WARM_PER_HELPER + WARM_HELPERS }, () => live('warm'));
    const parents = [...firstParents, ...(await Promise.all(more.map((c) => c.parent)))];
    const per = new Map<number, number>();
    for (const p of parents) per.set(p, (per.get(p) ?? 0) + 1);
    // every helper running, each holding WARM_PER_HELPER + 1
    expect([...per.values()]).toEqual(Array(WARM_HELPERS).fill(WARM_PER_HELPER + 1));
    const commands = live('commands');
    expect(per.has(await commands.parent)).toBe(false);
    await Promise.all([...first, ...more, commands].map((c) => c.release()));
  });
});
