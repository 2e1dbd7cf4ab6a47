// Shapes shared by the benchmark sections and the entry point.
import type { Summary, Target } from './stats.ts';

/** One checked figure: the verdict line printed, and its numbers for the JSON output. */
export interface Measurement {
  name: string;
  /** The value checked against the target (a ratio, ms or MiB). */
  value: number;
  /** Repeated values behind `value`, when it is a median. */
  summary?: Summary;
  target: Target | null;
  /** Human form of the measured value (median [min–max] and unit). */
  measured: string;
  pass: boolean | null;
}

/** What a section returns: its measurements, a profile (where the time goes) and notes. */
export interface SectionResult {
  section: string;
  measurements: Measurement[];
  /** Lines saying where the time goes: printed always, and in RESULTS.md. */
  profile: string[];
  notes: string[];
  /** Wall time of the section (s), set by bench/run.ts. */
  seconds?: number;
}

/** Options every section receives. */
export interface BenchContext {
  /** `--quick`: a smoke check (one task, one repetition); its figures are not comparable. */
  quick: boolean;
  /**
   * `--thorough`: the longer selections and repetitions the sections had before `npm run bench` was
   * held to ten minutes (every bundled task for canary and compiled, more pairs for report and
   * host-git). Default false; never together with `quick`.
   */
  thorough: boolean;
  /** Package root (holds tasks/ and bin/). */
  root: string;
  /** Scratch folder of this bench run, removed at the end. */
  scratch: string;
  log: (line: string) => void;
}
