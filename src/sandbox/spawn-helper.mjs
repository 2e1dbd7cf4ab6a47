// fixbench's spawn helper: a small long-lived node process that starts fixbench's host commands
// (bwrap, bash, test runs) on behalf of the main process (src/sandbox/spawn-client.ts). It exists
// for speed alone: Node forks the whole calling process for every spawn, synchronously on its event
// loop, and a fork costs in proportion to resident memory. This process stays small (node builtins
// only, no application state), so its forks are cheap and they no longer stall fixbench's loop.
//
// Trust: it runs only this text (fixbench's own code, read once at start-up and passed as
// `node -e`); it starts exactly the program, arguments, working directory and complete environment
// it is sent (nothing of its own environment is added; it is started with an empty one, so it
// never holds a key) and interprets nothing a command prints: output is relayed as bytes. Every
// command leads its own process group; when the leader exits, whatever it left in its group is
// SIGKILLed; when the main process goes away (stdin closes), every live group is SIGKILLed and the
// helper exits.
//
// Protocol (binary frames, lengths as unsigned 32-bit big-endian):
//   main → helper, on stdin:  [len][JSON request {id, file, args, cwd, env, input?, statusFd, commandFd?}]
//                             [len][JSON {op: 'dispatch', id, text, input?}]: a command started with
//                             `commandFd` (a warm container, src/sandbox/warm.ts) gets `text` on its fd 4,
//                             then fd 4 closed, and `input` (or nothing) on its stdin, then stdin closed;
//                             its run time is counted from here. For a command already gone it is ignored.
//   helper → main, on stdout: [len][type u8][id u32][payload], where len counts type, id and payload:
//     1 started  JSON {pid}             2 stdout bytes   3 stderr bytes   4 fd 3 bytes
//     5 closed   JSON {code, signal, ms} (the leader exited and every pipe closed; always last)
//     6 failed   JSON {message}         (the program could not be started; always last)
//     7 inner    JSON {pid, start}      (an `infoFd` command: the pid bwrap reported on fd 6 for its
//                                        container's init, and that process's start time in clock ticks)
//
// Stdio of a command: 0 stdin (its `input`; /dev/null without, and for `commandFd`), 1 stdout, 2
// stderr, 3 status (`statusFd`/`commandFd`), 4 command text and 5 input (`commandFd`: the launcher
// takes its stdin from fd 5 only after reading fd 4), 6 bwrap's `--info-fd` (`infoFd`).
//
// A container's init (bwrap's child, the pid-1 of its PID namespace) leaves bwrap's process group
// (`--new-session`) and is tied to bwrap's life (`--die-with-parent`) only some time after: a
// group kill in between leaves it running. So, for an `infoFd` command, once the leader has exited
// (by itself or killed) the init it reported is SIGKILLed too (which ends its whole namespace), as
// soon as the report is read, and `closed` is sent only once that init is gone (or a zombie);
// never later than INIT_GONE_MS.
import { spawn } from 'node:child_process';
import { closeSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

// Before it starts anything: every descriptor above 2 this helper inherited (not close-on-exec: node
// opens its own so, and the helper is started with stdio pipes only) is closed, so none reaches a
// sandboxed command whoever started fixbench's process (scripts/inherited-fds.mjs states the rule and
// applies it in bin/fixbench.mjs; this text runs as `node -e` and cannot import it).
let inherited = [];
try {
  inherited = readdirSync('/proc/self/fdinfo');
} catch {
  // no /proc (not Linux): nothing to read; the bwrap sandbox refuses to start without it
}
for (const name of inherited) {
  const fd = Number(name);
  if (!(fd > 2)) continue;
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))?.[1];
    if (flags !== undefined && (parseInt(flags, 8) & 0o2000000) === 0) closeSync(fd);
  } catch {
    // gone (readdir's own descriptor)
  }
}

const STARTED = 1;
const FAILED = 6;
const CLOSED = 5;
const INNER = 7;
/** Longest wait for a killed container's init to be gone before `closed` is sent anyway, ms. */
const INIT_GONE_MS = 5000;

/** `/proc/<pid>/stat`'s ppid, state and start time (clock ticks since boot), or null when there is no such process. */
function procStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' '); // f[0] = field 3 (state)
  return { state: f[0], ppid: Number(f[1]), start: f[19] };
}

/**
 * The init pid bwrap reported (`{"child-pid": N, "pid-namespace": I, ...}`) if it is believable: that
 * process exists and lives in the PID namespace bwrap reported (inode I), or (no namespace reported)
 * is bwrap's child. Its start time is kept, so a later kill never hits a process that reused the pid.
 */
function initOf(text, leader) {
  const m = /"child-pid"\s*:\s*(\d+)/.exec(text);
  if (!m) return null;
  const pid = Number(m[1]);
  const st = procStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return null;
  const ns = /"pid-namespace"\s*:\s*(\d+)/.exec(text)?.[1];
  if (ns === undefined) return st.ppid === leader ? { pid, start: st.start } : null;
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`) === `pid:[${ns}]` ? { pid, start: st.start } : null;
  } catch {
    return null;
  }
}

/** SIGKILLs `init` when it is still that process. */
function killInit(init) {
  if (!init || procStat(init.pid)?.start !== init.start) return;
  try {
    process.kill(init.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/** Whether `init` no longer runs (no such process, a zombie, or the pid reused). */
function initGone(init) {
  const st = procStat(init.pid);
  return !st || st.start !== init.start || st.state === 'Z' || st.state === 'X';
}

/** Resolves once `init` is gone (see `initGone`), at most INIT_GONE_MS later. */
function whenGone(init) {
  if (!init || initGone(init)) return Promise.resolve();
  const end = performance.now() + INIT_GONE_MS;
  return new Promise((resolve) => {
    const poll = () => (initGone(init) || performance.now() > end ? resolve() : setTimeout(poll, 2));
    poll();
  });
}
/** @type {Map<number, {pid: number, child: import('node:child_process').ChildProcess, t0: number}>} request id → its live command */
const live = new Map();
/** Child output streams paused while stdout (to main) is full. */
const paused = new Set();

function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

function send(type, id, payload) {
  const head = Buffer.alloc(9);
  head.writeUInt32BE(5 + payload.length, 0);
  head.writeUInt8(type, 4);
  head.writeUInt32BE(id, 5);
  process.stdout.write(head);
  return process.stdout.write(payload);
}

function relay(stream, type, id) {
  if (!stream) return;
  stream.on('data', (chunk) => {
    if (!send(type, id, chunk)) {
      // backpressure: main reads slower than the command prints; hold the command's pipe
      stream.pause();
      paused.add(stream);
    }
  });
}

process.stdout.on('drain', () => {
  for (const s of paused) s.resume();
  paused.clear();
});

function start(req) {
  const { id } = req;
  const t0 = performance.now();
  let child;
  try {
    child = spawn(req.file, req.args, {
      cwd: req.cwd,
      env: req.env,
      detached: true,
      windowsHide: true,
      // with commandFd: stdin and fd 4 stay open until the command is dispatched (fd 3 is then always there)
      stdio: stdioOf(req),
    });
  } catch (err) {
    send(FAILED, id, Buffer.from(JSON.stringify({ message: String(err?.message ?? err) })));
    return;
  }
  let failed = false;
  child.once('error', (err) => {
    // ENOENT (program or cwd missing) and the like: no process was started
    if (child.pid !== undefined) return;
    failed = true;
    send(FAILED, id, Buffer.from(JSON.stringify({ message: String(err?.message ?? err) })));
  });
  if (child.pid === undefined) return;
  const pid = child.pid;
  /** `init`: the container's init (see `initOf`); `infoDone`: bwrap's report read to its end (or none asked); `exited`: the leader is gone. */
  const entry = { pid, child, t0, init: null, infoDone: !req.infoFd, exited: false };
  live.set(id, entry);
  send(STARTED, id, Buffer.from(JSON.stringify({ pid })));
  if (req.infoFd) {
    const info = [];
    let size = 0;
    const done = () => {
      if (entry.infoDone) return;
      entry.infoDone = true;
      entry.init = initOf(Buffer.concat(info).toString('utf8'), pid);
      if (entry.init) send(INNER, id, Buffer.from(JSON.stringify(entry.init)));
      if (entry.exited || closing) killInit(entry.init);
    };
    child.stdio[6].on('data', (c) => {
      if (size < 4096) info.push(c);
      size += c.length;
    });
    child.stdio[6].on('end', done);
    child.stdio[6].on('close', done);
    child.stdio[6].on('error', () => {});
  }
  if (req.commandFd) {
    // EPIPE when the container died before reading what it was sent: its closed frame says so
    child.stdio[4].on('error', () => {});
    child.stdio[5].on('error', () => {});
  } else if (req.input !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // EPIPE when the command exits without reading its input
    child.stdin.end(req.input);
  }
  relay(child.stdout, 2, id);
  relay(child.stderr, 3, id);
  relay(child.stdio[3], 4, id);
  // The leader is gone: reap the rest of its group and its container's init, so nothing keeps
  // running or holds the pipes.
  child.once('exit', () => {
    entry.exited = true;
    killGroup(pid);
    killInit(entry.init);
  });
  child.once('close', (code, signal) => {
    const ms = performance.now() - entry.t0;
    if (failed) {
      live.delete(id);
      return;
    }
    killInit(entry.init);
    void whenGone(entry.init).then(() => {
      live.delete(id);
      send(CLOSED, id, Buffer.from(JSON.stringify({ code, signal, ms })));
      if (closing && live.size === 0) process.exit(0);
    });
  });
}

function dispatch(msg) {
  const entry = live.get(msg.id);
  if (!entry || !entry.child.stdio[4]) return;
  entry.t0 = performance.now();
  entry.child.stdio[4].end(msg.text);
  entry.child.stdio[5].end(msg.input ?? '');
}

/** The command's stdio (see the layout at the top); unused trailing slots are left out. */
function stdioOf(req) {
  const pipe = (yes) => (yes ? 'pipe' : 'ignore');
  const s = [pipe(req.input !== undefined && !req.commandFd), 'pipe', 'pipe', pipe(req.statusFd || req.commandFd), pipe(req.commandFd), pipe(req.commandFd), pipe(req.infoFd)];
  while (s.length > 3 && s[s.length - 1] === 'ignore') s.pop();
  return s;
}

let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const len = pending.readUInt32BE(0);
    if (pending.length < 4 + len) break;
    const req = JSON.parse(pending.subarray(4, 4 + len).toString('utf8'));
    pending = pending.subarray(4 + len);
    if (req.op === 'dispatch') dispatch(req);
    else start(req);
  }
});

// The main process is gone (or closed the pipe): nothing it started may outlive it. Each group is
// killed now, each container's init as soon as bwrap's report of it is read; the helper exits once
// every command is closed (see `closed`), at most INIT_GONE_MS + 1 s later.
let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  for (const e of live.values()) {
    killGroup(e.pid);
    killInit(e.init);
  }
  if (live.size === 0) process.exit(0);
  setTimeout(() => process.exit(0), INIT_GONE_MS + 1000);
}
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdout.on('error', shutdown);
// Terminal signals are the main process's to handle; the helper ends when its stdin closes.
process.on('SIGINT', () => {});
process.on('SIGTERM', shutdown);
