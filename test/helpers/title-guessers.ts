// Guessers a patch could use to tell a canary copy's title from its original's (attackG): a small
// grammar checker (closed-class words and agreement, a lexicon of its own) and word-pair frequency
// in other test titles. Used by test/unit/evaluation/canary-title-grammar.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { slotOf } from '../../src/evaluation/canary-title-slot.ts';

const SETS: Record<string, string[]> = {
  detOne: ['a', 'an', 'each', 'every', 'another', 'one', 'this', 'that'],
  detMany: ['all', 'some', 'these', 'those', 'both', 'several', 'many', 'two'],
  det: ['the', 'no', 'any', 'its', 'their', 'other'],
  prep: ['of', 'with', 'to', 'in', 'on', 'for', 'from', 'by', 'at', 'without', 'into', 'as', 'than', 'through', 'after', 'before', 'between', 'below', 'under', 'inside', 'like'],
  conj: ['and', 'or', 'but', 'nor', 'when', 'where', 'while', 'if', 'that', 'unless'],
  aux: ['does', 'do', 'is', 'are', 'can', 'cannot', 'should', 'must', 'will', 'would', 'has', 'have'],
  neg: ['not', 'never'],
};
const tagOf = (w: string): string => Object.entries(SETS).find(([, ws]) => ws.includes(w.toLowerCase()))?.[0] ?? 'word';
const plural = (w: string): boolean => /[^su]s$/i.test(w);

/** Grammar faults of a title: a determiner, preposition, auxiliary or negation followed by a word that cannot follow it (or by nothing), a/an against the next sound, a singular determiner before a plural noun. */
export function grammarFaults(title: string): number {
  const ws = title.split(' ');
  let faults = 0;
  for (let i = 0; i < ws.length; i++) {
    const [t, next] = [tagOf(ws[i]!), ws[i + 1]];
    const nt = next === undefined ? 'end' : tagOf(next);
    if (t.startsWith('det') && ['prep', 'aux', 'neg', 'conj', 'end', 'detOne', 'detMany'].includes(nt)) faults++;
    if (t === 'prep' && ['prep', 'aux', 'neg', 'conj', 'end'].includes(nt)) faults++;
    if ((t === 'aux' || t === 'neg') && ['prep', 'det', 'detOne', 'detMany', 'conj', 'end'].includes(nt) && !(t === 'aux' && nt === 'neg')) faults++;
    if (t === 'conj' && ['conj', 'end'].includes(nt)) faults++;
    if (ws[i] === 'a' && next && /^[aeiou]/i.test(next)) faults++;
    if (ws[i] === 'an' && next && !/^[aeiou]/i.test(next)) faults++;
    if (t === 'detOne' && next && nt === 'word' && plural(next) && (ws[i + 2] === undefined || tagOf(ws[i + 2]!) !== 'word')) faults++;
    // two verbs in a row at the start ("limits rounds number")
    if (i === 0 && next && nt === 'word' && /s$/.test(ws[0]!) && /s$/.test(next) && ws[2] !== undefined && tagOf(ws[2]) === 'word') faults++;
  }
  return faults;
}

/** Neighbouring-word pairs of `titles` (lower case), with their counts. */
export function pairCounts(titles: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of titles) {
    const ws = ['^', ...t.toLowerCase().split(' '), '$'];
    for (let i = 1; i < ws.length; i++) m.set(`${ws[i - 1]} ${ws[i]}`, (m.get(`${ws[i - 1]} ${ws[i]}`) ?? 0) + 1);
  }
  return m;
}

/** How many of `title`'s neighbouring-word pairs `counts` holds. */
export function attestedPairs(title: string, counts: Map<string, number>): number {
  const ws = ['^', ...title.toLowerCase().split(' '), '$'];
  let n = 0;
  for (let i = 1; i < ws.length; i++) if (counts.has(`${ws[i - 1]} ${ws[i]}`)) n++;
  return n;
}

/** The titles of the tests each bundled task's test.patch adds, per task (one "file" each). */
export function bundledTitleGroups(tasksDir: string): string[][] {
  const groups: string[][] = [];
  for (const t of readdirSync(tasksDir).sort()) {
    let patch: string;
    try {
      patch = readFileSync(join(tasksDir, t, 'test.patch'), 'utf8');
    } catch {
      continue;
    }
    const titles = [...patch.matchAll(/^\+\s*(?:it|test)\((['"])(.+?)\1/gm)].map((m) => m[2]!);
    if (titles.length >= 3) groups.push([...new Set(titles)]);
  }
  return groups;
}

/**
 * atkA's slot guesser: whether `title`'s word at `i` fills the same slot (`slotOf`) in one of `rest`
 * (the file's other titles). Of a pair differing at `i`, the one whose word is not so attested is
 * guessed to be the original (a copy's word always is).
 */
export function slotAttested(title: string, i: number, rest: readonly string[]): boolean {
  const ws = title.split(' ');
  const s = slotOf(ws, i);
  return rest.some((o) => o.split(' ').some((x, j, os) => x === ws[i] && slotOf(os, j) === s));
}

