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
import { spawn } from 'node:child_process';

const STARTED = 1;
const FAILED = 6;
const CLOSED = 5;
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
      stdio: [req.input === undefined && !req.commandFd ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(req.statusFd || req.commandFd ? ['pipe'] : []), ...(req.commandFd ? ['pipe'] : [])],
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
  const entry = { pid, child, t0 };
  live.set(id, entry);
  send(STARTED, id, Buffer.from(JSON.stringify({ pid })));
  if (req.commandFd) {
    // EPIPE when the container died before reading what it was sent: its closed frame says so
    child.stdin.on('error', () => {});
    child.stdio[4].on('error', () => {});
  } else if (req.input !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // EPIPE when the command exits without reading its input
    child.stdin.end(req.input);
  }
  relay(child.stdout, 2, id);
  relay(child.stderr, 3, id);
  relay(child.stdio[3], 4, id);
  // The leader is gone: reap the rest of its group so nothing keeps running or holds the pipes.
  child.once('exit', () => killGroup(pid));
  child.once('close', (code, signal) => {
    live.delete(id);
    if (failed) return;
    send(CLOSED, id, Buffer.from(JSON.stringify({ code, signal, ms: performance.now() - entry.t0 })));
  });
}

function dispatch(msg) {
  const entry = live.get(msg.id);
  if (!entry || !entry.child.stdio[4]) return;
  entry.t0 = performance.now();
  entry.child.stdio[4].end(msg.text);
  entry.child.stdin.end(msg.input ?? '');
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

// The main process is gone (or closed the pipe): nothing it started may outlive it.
function shutdown() {
  for (const { pid } of live.values()) killGroup(pid);
  process.exit(0);
}
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdout.on('error', shutdown);
// Terminal signals are the main process's to handle; the helper ends when its stdin closes.
process.on('SIGINT', () => {});
process.on('SIGTERM', shutdown);
