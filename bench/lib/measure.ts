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
