// `tasks import --compute-pass-to-pass`: one gold run per imported task in the sandbox, and the
// tests it passed that neither list names written to task.yaml as `strict_pass_to_pass` — the
// list graded as a stricter variant (`resolved_strict`), never as part of the SWE-bench score.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { computedPassToPass } from '../evaluation/strict.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';
import { loadTasks } from './load.ts';

export interface ComputeOptions {
  tasksDir: string;
  repoCache: RepoCache;
  sandbox: Sandbox;
  envCache?: EnvCache;
  /** Scratch folder for the workspaces. */
  workDir: string;
  /** One line per task as it is done. */
  log?: (line: string) => void;
}

/** What one task's gold run gave: the list written, or why none was (gold did not resolve). */
export type ComputeResult = { instance_id: string; strict_pass_to_pass: string[] } | { instance_id: string; outcome: string; error: string | null };

/**
 * For each task of `ids` in `tasksDir`: evaluates gold.patch + test.patch once (the sandbox, the
 * environment cache and every grading rule as in a run) and, when gold resolves, sets task.yaml's
 * `strict_pass_to_pass` to the tests it PASSED beyond FAIL_TO_PASS and PASS_TO_PASS (fixbench ids,
 * sorted; `computedPassToPass`), keeping the rest of task.yaml as it was. A task gold does not
 * resolve is left unchanged and returned with its outcome and error.
 */
export async function computePassToPass(ids: readonly string[], o: ComputeOptions): Promise<ComputeResult[]> {
  const out: ComputeResult[] = [];
  for (const task of await loadTasks(o.tasksDir, [...ids])) {
    const r = await evaluate({
      task,
      modelPatch: task.patch,
      sandbox: o.sandbox,
      repoCache: o.repoCache,
      workDir: o.workDir,
      ...(o.envCache ? { envCache: o.envCache } : {}),
    });
    if (r.outcome !== 'resolved') {
      out.push({ instance_id: task.instance_id, outcome: r.outcome, error: r.error });
      o.log?.(`  ${task.instance_id}: gold ${r.outcome}${r.error ? ` (${r.error.split('\n')[0]})` : ''}: strict_pass_to_pass not computed`);
      continue;
    }
    const list = computedPassToPass(r.parsed, [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]);
    const file = path.join(task.dir, 'task.yaml');
    const doc = parseDocument(await readFile(file, 'utf8'));
    doc.set('strict_pass_to_pass', list);
    await writeFileAtomic(file, doc.toString({ lineWidth: 0 }));
    out.push({ instance_id: task.instance_id, strict_pass_to_pass: list });
    o.log?.(`  ${task.instance_id}: gold resolved; strict_pass_to_pass: ${list.length} test(s)`);
  }
  return out;
}
