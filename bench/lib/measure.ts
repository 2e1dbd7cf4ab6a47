// Building `Measurement`s and timing child processes for the benchmark sections.
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { fmt, fmtSummary, meets, verdictLine, type Summary, type Target } from './stats.ts';
import type { Measurement } from './types.ts';

/** A measurement from a summary of repeated values (its median is checked). */
export function measurement(name: string, s: Summary, unit: string, target: Target | null, digits = 2): Measurement {
  return { name, value: s.median, summary: s, target, measured: fmtSummary(s, unit, digits), pass: target ? meets(s.median, target) : null };
}

/** A measurement of one value. */
export function single(name: string, value: number, unit: string, target: Target | null, digits = 2): Measurement {
  return { name, value, target, measured: fmt(value, unit, digits), pass: target ? meets(value, target) : null };
}

/** The printed verdict line of a measurement. */
export const lineOf = (m: Measurement): string => verdictLine(m.name, m.measured, m.value, m.target, m.target?.unit === '×' ? 2 : 0);

/**
 * Runs a command to completion and returns its wall time in ms and its stdout.
 * @throws Error with the command's output tail when it exits non-zero (a broken bench, not a figure).
 */
export async function timed(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; okExit?: number[] } = {}): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  const r = await execa(file, args, { cwd: opts.cwd, env: opts.env, reject: false, all: true, stdin: 'ignore' });
  const ms = performance.now() - t0;
  if (!(opts.okExit ?? [0]).includes(r.exitCode ?? -1)) {
    throw new Error(`${file} ${args.join(' ')} exited with ${r.exitCode ?? r.signal}:\n${String(r.all ?? '').slice(-3000)}`);
  }
  return { ms, stdout: String(r.stdout ?? '') };
}

/**
 * `timed`, plus the CPU time (user + system, ms) of the command and every descendant it waited for
 * (git, tests, sandboxed commands), read from the shell's `times` after the command exits.
 * @throws Error with the output tail when the command exits non-zero, or when `times` printed nothing readable.
 */
export async function timedWithCpu(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ ms: number; cpuMs: number; stdout: string }> {
  const t0 = performance.now();
  // `times` prints the shell's user/system time, then its children's: "0m1.250s 0m0.310s".
  const r = await execa('/bin/sh', ['-c', '"$@" 2>&1; rc=$?; times >&2; exit $rc', 'sh', file, ...args], { cwd: opts.cwd, env: opts.env, reject: false, stdin: 'ignore' });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${r.exitCode ?? r.signal}:\n${String(r.stdout ?? '').slice(-3000)}`);
  const children = String(r.stderr ?? '').trim().split('\n').at(-1) ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((x) => Number(x[1]) * 60 + Number(x[2]));
  if (secs.length !== 2) throw new Error(`cannot read the CPU time of ${file} from \`times\`: ${JSON.stringify(children)}`);
  return { ms, cpuMs: (secs[0]! + secs[1]!) * 1000, stdout: String(r.stdout ?? '') };
}
