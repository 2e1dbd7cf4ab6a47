// CPU time of a whole command tree, for the benches: the command is run by a bash that, once it
// exits, writes its shell's `times` (user and system time of the shell and of every child it waited
// for, each child counting what it waited for in turn) to a file the bench reads.

/** `s` as one single-quoted bash word (a `'` written as `'\''`). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `command` run by a child bash, followed by `times` into `timesFile` (a path outside the workspace)
 * and an exit with the command's own status: what `bash -c` of the result prints, reads and exits
 * with is the command's own. The child bash and every process it waits for (directly or through
 * descendants that wait for theirs) are counted; a process that is never waited for (double fork) is not.
 */
export function withTreeCpu(command: string, timesFile: string): string {
  return `bash -c ${shellQuote(command)}; __fixbench_rc=$?; times > ${shellQuote(timesFile)}; exit $__fixbench_rc`;
}

/**
 * CPU time (user + system, ms) of the children in bash `times` output: its last line,
 * e.g. `0m1.250s 0m0.310s` → 1560.
 * @throws Error when the last line holds no two `XmY.YYYs` times.
 */
export function childCpuMs(timesOutput: string): number {
  const last = timesOutput.trim().split('\n').at(-1) ?? '';
  const secs = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2 || secs.some((x) => !Number.isFinite(x))) throw new Error(`cannot read children's CPU time from bash \`times\`: ${JSON.stringify(last)}`);
  return Math.round((secs[0]! + secs[1]!) * 1000);
}
