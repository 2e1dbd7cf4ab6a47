// A canary copy's title is drawn from `variantCandidates`' lists (canary-mutate.ts), and the costly
// check of a candidate against what the patch can read (`known`) is made only for the candidates a
// draw can use: the same-slot ones, and every other one only when no same-slot candidate exists
// (tst12: the check of every candidate was most of the canary planning's CPU per attempt).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variantCandidates, variantTitleOf, visibleWords } from '../../../src/evaluation/canary-mutate.ts';
import { bundledTitleGroups } from '../../helpers/title-guessers.ts';

const groups = bundledTitleGroups(resolve(import.meta.dirname, '../../../tasks'));

describe('variantTitleOf draws from variantCandidates and checks only what it may draw', () => {
  it('the title comes from the balanced list when it has one, else the same-slot list, else any()', () => {
    let cases = 0;
    for (const [gi, g] of groups.entries()) {
      const visible = visibleWords(groups.filter((_, j) => j !== gi).flat().join('\n'));
      for (const t of g) {
        const c = variantCandidates(t, g, new Set(g), () => false, visible);
        const r = variantTitleOf(t, g, new Set(g), () => false, visible);
        const from = c.balanced.length ? c.balanced : c.sameSlot.length ? c.sameSlot : c.any();
        if (from.length) expect(from).toContain(r.title);
        else expect(r.title).toMatch(/ \d+$/);
        expect(r.balanced).toBe(c.balanced.length > 0);
        // every acceptable candidate is in any(), the same-slot ones among them
        for (const s of c.sameSlot) expect(c.any()).toContain(s);
        cases++;
      }
    }
    expect(cases).toBeGreaterThanOrEqual(100);
  });

  it('known() is asked only about same-slot candidates when there are any (was: about every candidate)', () => {
    let checked = 0;
    for (const g of groups) {
      for (const t of g) {
        const asked: string[] = [];
        const known = (s: string): boolean => (asked.push(s), false);
        const c = variantCandidates(t, g, new Set(g), () => false);
        variantTitleOf(t, g, new Set(g), known);
        if (!c.sameSlot.length) continue;
        // (or a same-slot one then refused for a word twice in a row)
        expect(asked.filter((s) => !c.sameSlot.includes(s) && !/(?:^| )(\S+) \1(?: |$)/.test(s))).toEqual([]);
        if (c.any().length > c.sameSlot.length) checked++;
      }
    }
    // titles with candidates outside the same slot, whose check was skipped
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('a candidate known to the patch is never drawn, in any list', () => {
    for (const g of groups.slice(0, 6)) {
      for (const t of g) {
        const all = variantCandidates(t, g, new Set(g)).any();
        if (all.length < 2) continue;
        const banned = new Set(all.filter((_, i) => i % 2 === 0));
        const c = variantCandidates(t, g, new Set(g), (s) => banned.has(s));
        for (const s of [...c.balanced, ...c.sameSlot, ...c.any()]) expect(banned.has(s)).toBe(false);
        expect(c.any()).toEqual(all.filter((s) => !banned.has(s)));
      }
    }
  });
});
