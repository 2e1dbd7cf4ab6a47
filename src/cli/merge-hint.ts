// The `merge` command printed after a shard run (newcomer13 #10): the exact command, with the run
// folders of the other shards of the same sharded run (same run-id stem) found under the results
// folder, and a placeholder for each shard not there (another machine, or not run yet).
import path from 'node:path';
import { resumeMismatches } from '../store/compat.ts';
import type { RunHeader } from '../store/records.ts';
import { readRunHeader } from '../store/store.ts';
import { commandPrefix, givenFlags, shellWord, type ResumeFlags } from './hints.ts';
import { runFolders } from './run-lookup.ts';
import { userPath } from './user-path.ts';

/**
 * The lines (each starting with two spaces, ending in a newline) saying how to merge the shard run
 * `header` (which has a `shard`), stored at `<results>/<header.run_id>`: `<prefix> merge <out>
 * <shard folders…>` ordered by shard index, where `<out>` is `<results>/<mergedRunId(…)>` and each
 * shard is this run's folder, the folder under `results` holding another shard of the same sharded
 * run — same run-id stem (`shardStem`: `nightly-n2-s2` for `nightly-n2-s1`, never last night's
 * `nightly-n1-s2`), suite and configuration; the newest when several; run.json unreadable: skipped —
 * or `<shard i/n run folder>` when none is there, with a line naming the missing shards (and the
 * shards of other runs it passed over). A run id without a stem (a generated id) proposes no other
 * folder: nothing the records hold tells this run's shards from another night's. `results` is the
 * `--results` folder as the user gave it (relative paths stay relative where the user's shell is in
 * fixbench's working folder: `userPath`). `--reports` follows when
 * `flags.given` names it (merge passes it on to the `report` command it prints). "" for a run that is not a shard.
 */
export async function shardMergeHint(results: string, header: RunHeader, prefix = commandPrefix(), flags: ResumeFlags = {}): Promise<string> {
  const shard = header.shard;
  if (!shard) return '';
  const stem = shardStem(header.run_id, shard);
  const found = new Map<number, string>([[shard.index, header.run_id]]);
  const others: string[] = []; // shards of the same split and configuration, but of another run
  for (const name of stem === null ? [] : runFolders(path.resolve(results))) {
    if (name === header.run_id) continue;
    const h = await readRunHeader(path.join(path.resolve(results), name)).catch(() => null);
    if (!h?.shard || h.shard.count !== shard.count || found.has(h.shard.index)) continue;
    if (resumeMismatches({ ...header, shard: null }, { ...h, shard: null }).length) continue; // another suite or configuration
    if (shardStem(name, h.shard) !== stem) {
      others.push(name);
      continue;
    }
    found.set(h.shard.index, name); // runFolders lists the newest run first: it wins
  }
  const missing: string[] = [];
  const folders = Array.from({ length: shard.count }, (_, i) => i + 1).map((i) => {
    const name = found.get(i);
    if (name) return shellWord(userPath(path.join(results, name)));
    missing.push(`${i}/${shard.count}`);
    return `<shard ${i}/${shard.count} run folder>`;
  });
  const out = shellWord(userPath(path.join(results, mergedRunId(header.run_id, shard, header.suite.hash))));
  const lines = [`  shard ${shard.index}/${shard.count}: the rates above are over this shard's attempts; for the run's scores, merge every shard's run folder:`, `    ${prefix} merge ${out} ${folders.join(' ')}${givenFlags(flags, ['reports'])}`];
  const one = missing.length === 1;
  if (missing.length && stem === null) {
    lines.push(`  (the run id ${header.run_id} has no shard suffix its other shards share, so fixbench cannot tell them from another run's: name ${one ? 'its other shard\'s run folder' : 'the other shards\' run folders'}; give shards run ids like <name>-s<i> to have them found)`);
  } else if (missing.length) {
    const passed = others.length ? `; not proposed: ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}, of another run (run id other than ${stem}-…)` : '';
    lines.push(`  (shard ${missing.join(', ')} of ${stem} ${one ? 'is' : 'are'} not under ${userPath(results)} yet: name ${one ? 'its run folder' : 'their run folders'} where ${one ? 'it is' : 'they are'}, or copy ${one ? 'it' : 'them'} there first${passed})`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** A run id `newRunId` made (`20261129T080102Z-3f9a`): it has no part the other shards share. */
const GENERATED_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** A shard suffix: `[-_.]`, `shard`/`s` (after a separator or at the start), `[-_.]`, the number, each part but the number optional. */
const SUFFIX = String.raw`[-_.]?(?:(?<=^|[-_.])(?:shard|s)[-_.]?)?(\d+)`;
/** The run id as base + suffix + `of<count>`/`-<count>`, then as base + suffix alone (base as short as the rest allows). */
const SHARD_SUFFIXES = [new RegExp(String.raw`^(.*?)${SUFFIX}(?:of|[-_.])(\d+)$`, 'i'), new RegExp(String.raw`^(.*?)${SUFFIX}$`, 'i')];

/**
 * The merged run's folder name every shard of one split suggests alike: the shard's run id without
 * its shard suffix (`nightly-42-s1`, `nightly-42-shard-1`, `nightly-42_1of3` → `nightly-42-merged`;
 * the suffix's number is the shard's index, or the index - 1 as a 0-based job index gives; a count
 * after it is the shard count), else, when the id has no such suffix or nothing before it,
 * `merged-<count>-shards-<first 8 of suiteHash>`. Pure.
 */
export function mergedRunId(runId: string, shard: { index: number; count: number }, suiteHash: string): string {
  const stem = shardStem(runId, shard);
  return stem === null ? `merged-${shard.count}-shards-${suiteHash.slice(0, 8)}` : `${stem}-merged`;
}

/**
 * The part of a shard's run id every shard of its split shares: the id without its shard suffix
 * (`nightly-42-s1`, `nightly-42_1of3` → `nightly-42`; see `mergedRunId`), or null when the id has no
 * such suffix (its number neither the shard's index nor index - 1), nothing before it, or is a
 * generated id. Pure.
 */
export function shardStem(runId: string, shard: { index: number; count: number }): string | null {
  for (const re of GENERATED_ID.test(runId) ? [] : SHARD_SUFFIXES) {
    const m = re.exec(runId);
    if (!m || (m[3] !== undefined && Number(m[3]) !== shard.count)) continue;
    const n = Number(m[2]);
    const base = m[1]!.replace(/[-_.]+$/, '');
    if ((n === shard.index || n === shard.index - 1) && base) return base;
  }
  return null;
}

/**
 * Why the shards `inputs` (their run ids and shards) look like shards of different runs, or null:
 * their run ids have two or more different stems (`shardStem`: `nightly-n2-s1` with `nightly-n1-s2`,
 * two nights of one split and configuration, which nothing else in the records tells apart). Ids
 * without a stem (generated ones) are not judged. The sentence names each stem with its shards and the fix.
 */
export function mixedRunsProblem(inputs: readonly { run_id: string; shard?: { index: number; count: number } | null }[]): string | null {
  const byStem = new Map<string, string[]>();
  for (const h of inputs) {
    const stem = h.shard ? shardStem(h.run_id, h.shard) : null;
    if (stem !== null) byStem.set(stem, [...(byStem.get(stem) ?? []), h.run_id]);
  }
  if (byStem.size < 2) return null;
  const runs = [...byStem].map(([stem, ids]) => `${stem} (${ids.join(', ')})`).join(', ');
  return `merge: the shards' run ids name ${byStem.size} different runs: ${runs}; merging them would join attempts of different runs (another night's shard) into one. Name the shard folders of one run, or pass --mixed-run-ids when these are one run's shards under other names`;
}
