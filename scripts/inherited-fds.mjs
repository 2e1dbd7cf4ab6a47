// Closes the file descriptors fixbench's process inherited from whatever started it (DESIGN.md §11:
// the host never hands untrusted code a way out). Nothing in Linux closes an inherited descriptor
// on exec unless it was opened close-on-exec, and neither node's spawn nor bubblewrap closes the
// rest: an fd open in the shell that ran fixbench (`exec 200>lock; flock 200` in a nightly script, a
// CI runner's pipe, a supervisor's socket) would reach every agent command and every test run, in
// every sandbox. A directory fd gives the whole host (`/proc/self/fd/<n>/../..`), a file fd that file.
// Node opens every descriptor of its own close-on-exec (libuv), so at start-up every descriptor
// above 2 without O_CLOEXEC is an inherited one; those are closed, except node's IPC channel
// (`process.channel`, when a parent started fixbench with an `ipc` pipe: node reads and deletes
// NODE_CHANNEL_FD before any user code runs). The spawn helper, which starts every sandboxed
// command, applies the same rule at its own start (src/sandbox/spawn-helper.mjs), so it holds too
// when fixbench's modules run without this entry point (tsx, tests, benches).
import { closeSync, readdirSync, readFileSync } from 'node:fs';

/** O_CLOEXEC as /proc/<pid>/fdinfo's octal `flags:` field shows it (Linux, asm-generic/fcntl.h). */
const O_CLOEXEC = 0o2000000;

/**
 * Closes every descriptor above 2 of this process that is not close-on-exec (read from
 * /proc/self/fdinfo), but `keep` and node's IPC channel (`process.channel`). Returns the descriptors closed, ascending.
 * Without /proc (not Linux) it closes nothing and returns []. Never throws.
 * @param {{ keep?: number[] }} [o]
 * @returns {number[]}
 */
export function closeInheritedFds(o = {}) {
  const keep = new Set(o.keep ?? []);
  const channel = /** @type {{ fd?: unknown } | undefined} */ (process.channel)?.fd;
  if (typeof channel === 'number') keep.add(channel);
  let names;
  try {
    names = readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const closed = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2 || keep.has(fd)) continue;
    let info;
    try {
      info = readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
    } catch {
      continue; // gone (readdir's own descriptor)
    }
    const flags = /^flags:\s*([0-7]+)$/m.exec(info)?.[1];
    if (flags === undefined || (parseInt(flags, 8) & O_CLOEXEC) !== 0) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // already closed: nothing to leak
    }
  }
  return closed.sort((a, b) => a - b);
}
