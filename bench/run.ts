// `npm run bench`: every performance measurement of fixbench in one run, each A/B pair measured
// interleaved (A, B, A, B, …) so its ratio is side by side. Prints `name: measured  target  PASS/MISS`
// per figure, writes a JSON file and the generated block of bench/RESULTS.md.
//
// Ends with the performance targets of issue 18 (TARGETS_TITLE; rows quoted from the sections) and a summary table of every
// figure with a target, the last row being the whole run's own time (≤ 10 minutes on 2 cores).
//
//   npm run bench [-- --quick | --thorough] [-- --only overhead,io-bound [--write]] [-- --json <file>] [-- --no-write] [-- --from-json <file>]
//
// RESULTS.md is rewritten by a full run only (default or --thorough; bench/lib/write-policy.ts): never
// by --quick, and by --only only with --write.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchOverhead } from './overhead.ts';
import { benchConcurrency } from './concurrency.ts';
import { benchCheckout } from './checkout.ts';
import { benchEnvironment } from './env.ts';
import { benchScale } from './scale.ts';
import { benchIsolation } from './isolation.ts';
import { benchHostGit } from './host-git.ts';
import { benchCanary } from './canary.ts';
import { benchReport } from './report.ts';
import { benchIoBound } from './io-bound.ts';
import { benchCompiled } from './compiled.ts';
import { build } from '../scripts/build.mjs';
import { machine, type Machine } from './lib/machine.ts';
import { lineOf } from './lib/measure.ts';
import { benchTimeMeasurement, summaryTable } from './lib/summary.ts';
import { issue18Note, TARGETS_TITLE } from './lib/issue18.ts';
import { replaceBlock, resultsBlock } from './lib/results-md.ts';
import { resultsWrite } from './lib/write-policy.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

const SECTIONS = {
  overhead: benchOverhead,
  concurrency: benchConcurrency,
  checkout: benchCheckout,
  env: benchEnvironment,
  scale: benchScale,
  isolation: benchIsolation,
  'host-git': benchHostGit,
  canary: benchCanary,
  report: benchReport,
  'io-bound': benchIoBound,
  compiled: benchCompiled,
} as const;
type SectionName = keyof typeof SECTIONS;

const HELP = `usage: npm run bench [-- options]
  --quick          smoke check: one task, one repetition, 10,000 records (figures not comparable;
                   never written to bench/RESULTS.md)
  --thorough       more tasks and repetitions (every bundled task for canary and compiled, more
                   pairs for concurrency, report, host-git): over ten minutes
  --only <list>    run only these sections (comma-separated): ${Object.keys(SECTIONS).join(', ')};
                   bench/RESULTS.md is not written unless --write is given
  --json <file>    write the results as JSON here (default bench/out/bench.json)
  --write          with --only: replace bench/RESULTS.md's figures block with these sections
  --no-write       do not update bench/RESULTS.md (a full run, default or --thorough, updates it)
  --keep           keep the scratch folder (results, reports, synthetic run) and print its path
  --from-json <f>  only re-render bench/RESULTS.md's figures block from a saved JSON output`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      thorough: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      write: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'from-json': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const mdFile = path.join(root, 'bench', 'RESULTS.md');
  if (values['from-json']) {
    // Re-render RESULTS.md's figures block from a saved JSON output (e.g. a run made elsewhere).
    const saved = JSON.parse(await readFile(values['from-json'], 'utf8')) as { machine: Machine; quick: boolean; seconds: number; sections: SectionResult[] };
    const doc = await readFile(mdFile, 'utf8').catch(() => '# fixbench performance\n');
    await writeFile(mdFile, replaceBlock(doc, resultsBlock(saved.machine, saved.sections, { quick: saved.quick, seconds: saved.seconds })));
    process.stdout.write(`results: ${mdFile} (from ${values['from-json']})\n`);
    return 0;
  }
  if (values.quick && values.thorough) {
    process.stderr.write('bench: --quick and --thorough exclude each other; give one\n');
    return 2;
  }
  let writeMd: ReturnType<typeof resultsWrite>;
  try {
    writeMd = resultsWrite({ quick: values.quick, only: values.only, write: values.write, noWrite: values['no-write'] });
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? Object.keys(SECTIONS);
  const unknown = only.filter((s) => !(s in SECTIONS));
  if (unknown.length) {
    process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}\n`);
    return 2;
  }
  // The benches time bin/fixbench.mjs, which runs the compiled CLI: build it when src/ is newer.
  await build({ ifStale: true });
  const m = machine(root);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'fixbench-bench-'));
  const ctx: BenchContext = { quick: values.quick, thorough: values.thorough, root, scratch, log: (l) => process.stderr.write(`  … ${l}\n`) };
  process.stdout.write(`fixbench bench${values.quick ? ' --quick' : ''}${values.thorough ? ' --thorough' : ''}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.load_at_start}\n`);
  const t0 = performance.now();
  const results: SectionResult[] = [];
  let failed = false;
  try {
    for (const name of only as SectionName[]) {
      const s0 = performance.now();
      try {
        const r = await SECTIONS[name](ctx);
        r.seconds = (performance.now() - s0) / 1000;
        results.push(r);
        for (const mm of r.measurements) process.stdout.write(lineOf(mm) + '\n');
        for (const n of r.notes) process.stdout.write(`${n}\n`);
        for (const p of r.profile) process.stdout.write(`    ${p}\n`);
      } catch (e) {
        failed = true;
        const msg = e instanceof Error ? e.message : String(e);
        results.push({ section: name, measurements: [], profile: [], notes: [`${name}: FAILED: ${msg.split('\n')[0]}`], seconds: (performance.now() - s0) / 1000 });
        process.stdout.write(`${name}: FAILED: ${msg}\n`);
      }
      process.stderr.write(`  (${name}: ${((performance.now() - s0) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    if (values.keep) process.stderr.write(`scratch kept: ${scratch}\n`);
    else await rm(scratch, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  // The whole run's own time is a figure too: a default run of every section must fit in ten minutes.
  const full = only.length === Object.keys(SECTIONS).length && !values.quick && !values.thorough;
  const runTime = benchTimeMeasurement(seconds, full);
  // Closing note: the performance targets of issue 18, quoted from the sections above.
  const note = issue18Note(results);
  process.stdout.write(`${TARGETS_TITLE}:\n${[...note.lines, lineOf(runTime)].map((l) => `  ${l}`).join('\n')}\n`);
  const all = [...results.flatMap((r) => r.measurements), runTime];
  process.stdout.write(`summary (every figure with a target; sections' times in s: ${results.map((r) => `${r.section} ${(r.seconds ?? 0).toFixed(0)}`).join(', ')}):\n${summaryTable(all).join('\n')}\n`);
  const missed = all.filter((x) => x.pass === false);
  process.stdout.write(`done in ${seconds.toFixed(0)} s: ${all.filter((x) => x.pass).length} PASS, ${missed.length} MISS${failed ? ', some sections FAILED' : ''}\n`);

  const jsonFile = path.resolve(values.json ?? path.join(root, 'bench', 'out', 'bench.json'));
  await mkdir(path.dirname(jsonFile), { recursive: true });
  await writeFile(jsonFile, JSON.stringify({ machine: m, quick: values.quick, thorough: values.thorough, seconds, sections: results }, null, 2) + '\n');
  process.stdout.write(`json: ${jsonFile}\n`);
  if (!writeMd.write && writeMd.why) process.stdout.write(`${writeMd.why}\n`);
  if (writeMd.write) {
    const doc = await readFile(mdFile, 'utf8').catch(() => '# fixbench performance\n');
    const closing: SectionResult = { section: `${TARGETS_TITLE} (closing note, quoted from the sections above)`, measurements: [...note.measurements, runTime], profile: [], notes: note.lines.filter((l) => l.endsWith(': not measured')) };
    await writeFile(mdFile, replaceBlock(doc, resultsBlock(m, [...results, closing], { quick: values.quick, seconds })));
    process.stdout.write(`results: ${mdFile}\n`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
