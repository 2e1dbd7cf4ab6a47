// Whether `npm run bench` rewrites the generated figures block of bench/RESULTS.md. The committed
// figures are quotable: a smoke run (--quick) never replaces them, and a partial run (--only) only
// when --write asks for it; a full run (default or --thorough) writes unless --no-write.

/** The flags of bench/run.ts that decide the write. `only` is the raw `--only` value (undefined when not given). */
export interface WriteFlags {
  quick: boolean;
  only?: string | undefined;
  write: boolean;
  noWrite: boolean;
}

/**
 * `{write: true}` to rewrite RESULTS.md; otherwise `{write: false, why}`, `why` a sentence for the
 * user (empty after --no-write, which needs no explanation).
 * @throws Error for --write with --no-write, or --write with --quick (quick figures are never quoted)
 */
export function resultsWrite(f: WriteFlags): { write: true } | { write: false; why: string } {
  if (f.write && f.noWrite) throw new Error('--write and --no-write exclude each other; give one');
  if (f.write && f.quick) throw new Error('--quick figures are not comparable and never go into bench/RESULTS.md; drop --write, or run without --quick');
  if (f.noWrite) return { write: false, why: '' };
  if (f.quick) return { write: false, why: 'bench/RESULTS.md not written: --quick figures are not comparable (the JSON above has them)' };
  if (f.only !== undefined && !f.write) return { write: false, why: 'bench/RESULTS.md not written: --only runs some sections; add --write to replace the figures block with them' };
  return { write: true };
}
