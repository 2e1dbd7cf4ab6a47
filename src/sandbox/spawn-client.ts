// The main process's side of the spawn helper (src/sandbox/spawn-helper.mjs): one long-lived small
// node process that forks fixbench's host commands, so a spawn no longer forks fixbench's whole
// (large) process synchronously on its event loop. Started on first use (or ahead of it:
// `prestartSpawnHelpers`); if it dies, every command it was running fails with InfraError (their
// groups are SIGKILLed) and the next command starts a fresh helper. Nothing ever falls back to
// running a command some other way.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../core/errors.ts';
import { onShutdown } from '../core/shutdown.ts';
import { killGroup, killInit, trackInit, untrackInit } from './process-group.ts';

/** What the helper is asked to start (see `GroupSpawnOptions` for each field). */
export interface HelperRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  input?: string;
  statusFd: boolean;
  /**
   * The command is bwrap started with `--info-fd 6`: fd 6 is a pipe; the helper reads the container's
   * init pid there, SIGKILLs that init too once the leader is gone, and reports `closed` only after
   * the init is gone (see src/sandbox/spawn-helper.mjs).
   */
  infoFd?: boolean;
  /**
   * A warm container (src/sandbox/warm.ts): fd 3, fd 4 and fd 5 are pipes, stdin is /dev/null, and
   * nothing is written until `HelperHandle.dispatch`; `input` is then ignored here (it goes on fd 5
   * with the dispatch, and the launcher makes fd 5 its stdin after reading fd 4).
   */
  commandFd?: boolean;
}

/** A command started through the helper. */
export interface HelperHandle {
  /**
   * For a `commandFd` command: writes `text` to its fd 4 and closes it, writes `input` (if any) to its
   * fd 5 and closes it; the run time reported by `closed` counts from here. Ignored by a helper
   * that has died (the command's `failed` is called) or for a command already gone.
   */
  dispatch(text: string, input: string | undefined): void;
}

/** Callbacks of one command; exactly one of `closed` / `failed` is called, once, last. */
export interface HelperCallbacks {
  /** The command runs as the leader of process group `pid`. */
  started(pid: number): void;
  /** Bytes of stdout (fd 1), stderr (fd 2) or the status pipe (fd 3). */
  data(fd: 1 | 2 | 3, chunk: Buffer): void;
  /** An `infoFd` command's container init: its host pid and start time (`/proc/<pid>/stat` field 22). */
  inner?(init: { pid: number; start: string }): void;
  /** The leader exited (`code`, or `signal` when killed), every pipe closed and (`infoFd`) its container's init is gone; `ms` = its run time. */
  closed(code: number | null, signal: NodeJS.Signals | null, ms: number): void;
  /** It could not start (missing program or cwd), or the helper died while it ran. */
  failed(err: InfraError): void;
}

/**
 * The helper's source, read once when fixbench loads this module (before any attempt runs) and
 * handed to node as `-e`: a helper started later (after one died) runs this text, never a file an
 * agent might have changed since (in `--sandbox local` it runs as the same user).
 */
const HELPER_SOURCE = readFileSync(fileURLToPath(new URL('./spawn-helper.mjs', import.meta.url)), 'utf8');

interface Live {
  req: HelperRequest;
  cb: HelperCallbacks;
  pid?: number;
  init?: { pid: number; start: string };
}

/**
 * Which helper forks a command: `commands` (sandboxed agent commands, setup, tests), `git`
 * (fixbench's own host git, src/workspace/git-run.ts) or `warm` (warm containers, src/sandbox/warm.ts,
 * which are forked in bursts while model calls are pending). Each lane has its own helper, so a fork
 * waiting for its child's exec (tens of ms on a loaded machine) in one lane never delays another's
 * forks, output or exit reports.
 */
export type SpawnLane = 'commands' | 'git' | 'warm';

/**
 * At most this many helpers share the `warm` lane. A helper's fork blocks its own loop (tens of ms
 * under load), and so the dispatch and exit report of every warm container it holds, whose commands
 * are on the agents' critical path: with many attempts at once, spread over four helpers, a burst of
 * forks holds up a quarter of them. A warm container goes to the helper holding the fewest live
 * commands; another helper starts only when each running one holds `WARM_PER_HELPER` or more, so a
 * run of a few attempts at a time keeps one.
 */
export const WARM_HELPERS = 4;
/** Live commands a `warm` helper holds before another is started (see `WARM_HELPERS`). */
export const WARM_PER_HELPER = 8;

class SpawnHelper {
  readonly #child: ChildProcess;
  readonly #live = new Map<number, Live>();
  #nextId = 1;
  #pending: Buffer = Buffer.alloc(0);
  #stderr = '';
  dead = false;

  /** @param key the helper's key in `helpers` (its lane, or `warm:<n>`) */
  constructor(readonly key: string) {
    // An empty environment (so no key, and nothing of fixbench's NODE_OPTIONS): each command gets its
    // own, complete, environment. Its own session, so a terminal's Ctrl-C reaches fixbench alone,
    // which decides what to stop.
    this.#child = spawn(process.execPath, ['--input-type=module', '-e', HELPER_SOURCE], { env: {}, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.#child.stdout!.on('data', (c: Buffer) => this.#read(c));
    this.#child.stderr!.on('data', (c: Buffer) => {
      if (this.#stderr.length < 4096) this.#stderr += c.toString('utf8');
    });
    this.#child.stdin!.on('error', () => this.#die('its input pipe failed'));
    this.#child.once('error', (err) => this.#die(err.message));
    // 'close', not 'exit': frames it wrote before dying are read first
    this.#child.once('close', (code, signal) => this.#die(`exit code ${code}, signal ${signal}`));
    this.#idle();
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Commands started through it and not yet closed (a warm container counts from its start). */
  get liveCount(): number {
    return this.#live.size;
  }

  run(req: HelperRequest, cb: HelperCallbacks): HelperHandle {
    const id = this.#nextId++;
    this.#live.set(id, { req, cb });
    if (this.#live.size === 1) this.#busy();
    this.#send({ id, ...req });
    return {
      dispatch: (text, input) => {
        if (!this.dead && this.#live.has(id)) this.#send({ op: 'dispatch', id, text, ...(input === undefined ? {} : { input }) });
      },
    };
  }

  #send(msg: object): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    this.#child.stdin!.write(Buffer.concat([head, body]));
  }

  /** Frames: [len u32][type u8][id u32][payload], len counting type, id and payload. */
  #read(chunk: Buffer): void {
    let buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (buf.length < 4 + len) break;
      const type = buf.readUInt8(4);
      const id = buf.readUInt32BE(5);
      const payload = buf.subarray(9, 4 + len);
      buf = buf.subarray(4 + len);
      this.#frame(type, id, payload);
    }
    this.#pending = buf;
  }

  #frame(type: number, id: number, payload: Buffer): void {
    const live = this.#live.get(id);
    if (!live) return;
    if (type === 1) {
      live.pid = (JSON.parse(payload.toString('utf8')) as { pid: number }).pid;
      live.cb.started(live.pid);
    } else if (type === 2 || type === 3 || type === 4) {
      // a copy: a kept chunk must not pin the whole buffer it was read in
      live.cb.data((type - 1) as 1 | 2 | 3, Buffer.from(payload));
    } else if (type === 7) {
      live.init = JSON.parse(payload.toString('utf8')) as { pid: number; start: string };
      trackInit(live.init);
      live.cb.inner?.(live.init);
    } else if (type === 5 || type === 6) {
      this.#end(id);
      if (live.init) untrackInit(live.init);
      if (type === 5) {
        const r = JSON.parse(payload.toString('utf8')) as { code: number | null; signal: NodeJS.Signals | null; ms: number };
        live.cb.closed(r.code, r.signal, r.ms);
      } else {
        const { message } = JSON.parse(payload.toString('utf8')) as { message: string };
        live.cb.failed(new InfraError(`sandbox could not start ${live.req.file} in ${live.req.cwd}: ${message}`));
      }
    }
  }

  #end(id: number): void {
    this.#live.delete(id);
    if (this.#live.size === 0) this.#idle();
  }

  /** While commands run, the helper holds fixbench's event loop open; idle, it does not. */
  #busy(): void {
    this.#child.ref();
    (this.#child.stdout as unknown as { ref(): void }).ref();
  }

  #idle(): void {
    this.#child.unref();
    (this.#child.stdout as unknown as { unref(): void }).unref();
    (this.#child.stderr as unknown as { unref(): void }).unref();
    (this.#child.stdin as unknown as { unref(): void }).unref();
  }

  /**
   * Closes the helper's input (it SIGKILLs any group still live and exits) and waits until it has
   * been reaped, at most `graceMs`, then SIGKILLs it and waits for that. Reaping it is what accounts
   * its children's CPU (agent commands, test runs) to fixbench's own process tree.
   */
  async close(graceMs: number): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#busy();
    this.#child.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([exited, late])) === 'late') {
      this.#child.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }

  /** The helper is gone: every command it ran is killed (group) and fails as an infrastructure error. */
  #die(why: string): void {
    if (this.dead) return;
    this.dead = true;
    if (helpers.get(this.key) === this) helpers.delete(this.key);
    const err = new InfraError(`fixbench's spawn helper died (${why})${this.#stderr ? `: ${this.#stderr.trim()}` : ''}; its commands were killed`);
    const live = [...this.#live.values()];
    this.#live.clear();
    for (const l of live) {
      if (l.pid !== undefined) killGroup(l.pid);
      if (l.init) {
        killInit(l.init);
        untrackInit(l.init);
      }
      l.cb.failed(err);
    }
    this.#child.kill('SIGKILL');
  }
}

/** Live helpers by key: `commands`, `git`, and `warm:0` … `warm:<WARM_HELPERS − 1>`. */
const helpers = new Map<string, SpawnHelper>();
/** One function for every registration: `onShutdown` keeps a step once per function. */
const closeAll = (): Promise<void> => closeSpawnHelper();

/**
 * The key of `lane`'s helper for its next command: the lane itself; for `warm`, the running `warm:<n>`
 * holding the fewest live commands, or a new one when each holds `WARM_PER_HELPER` or more and fewer
 * than `WARM_HELPERS` run (see `WARM_HELPERS`).
 */
function keyOf(lane: SpawnLane): string {
  if (lane !== 'warm') return lane;
  let best: string | null = null;
  let fewest = Infinity;
  let free: string | null = null;
  for (let n = 0; n < WARM_HELPERS; n++) {
    const key = `warm:${n}`;
    const live = helpers.get(key)?.liveCount;
    if (live === undefined) free ??= key;
    else if (live < fewest) [best, fewest] = [key, live];
  }
  return best !== null && (fewest < WARM_PER_HELPER || free === null) ? best : free!;
}

/** The live helper of `key` (see `keyOf`), started now if none runs (first use, or after one died). */
function helperOf(key: string): SpawnHelper {
  let helper = helpers.get(key);
  if (!helper) {
    helper = new SpawnHelper(key);
    helpers.set(key, helper);
    onShutdown(closeAll);
  }
  return helper;
}

/** Starts `req` through the spawn helper of `lane` (started on first use, or again after one died). */
export function helperSpawn(req: HelperRequest, cb: HelperCallbacks, lane: SpawnLane = 'commands'): HelperHandle {
  return helperOf(keyOf(lane)).run(req, cb);
}

/**
 * Starts the helpers of `lanes` now (those not already running), so their node start-up (~50–70 ms
 * each) runs beside the caller's own start-up instead of on its first command's path. An idle
 * helper does not hold the event loop open, runs nothing until asked, and is ended like any other
 * (`closeSpawnHelper`, a shutdown step); it is the same helper a first command would have started
 * (same source text, empty environment).
 */
export function prestartSpawnHelpers(lanes: readonly SpawnLane[]): void {
  for (const lane of lanes) helperOf(lane === 'warm' ? 'warm:0' : lane);
}

/**
 * Ends the spawn helpers, if any run, and waits until they are reaped (at most `graceMs`, default 2 s,
 * then SIGKILL): fixbench calls it on the way out, so no helper outlives a command and its
 * children's CPU time counts in fixbench's process tree. Commands still running fail as InfraError.
 * A later command starts a fresh helper.
 */
export async function closeSpawnHelper(graceMs = 2000): Promise<void> {
  const all = [...helpers.values()];
  helpers.clear();
  await Promise.all(all.map((h) => h.close(graceMs)));
}

/** The running helper's pid of `lane` (for `warm`, its first helper, `warm:0`), if one runs (for tests that kill it). */
export function spawnHelperPid(lane: SpawnLane = 'commands'): number | undefined {
  return helpers.get(lane === 'warm' ? 'warm:0' : lane)?.pid;
}
