// The grammatical slot of a word in a test title, for canary copy titles (canary-mutate.ts): a
// copy's title replaces one word of its original by a word that fills the same slot in another
// title of the file, so the copy reads as grammatically as the original (attackG: "does of use
// weeks", "reads several components without are" told the copy to a grammar check or a model).

/** English closed-class words by class; `detOne` takes a singular noun, `detMany` a plural one. */
const CLOSED: Record<string, readonly string[]> = {
  a: ['a'],
  an: ['an'],
  detOne: ['each', 'every', 'another', 'one', 'this', 'either', 'neither'],
  detMany: ['all', 'some', 'these', 'those', 'both', 'several', 'many', 'few', 'two', 'three'],
  det: ['the', 'no', 'any', 'its', 'their', 'his', 'her', 'our', 'your', 'my', 'other', 'such'],
  prep: ['of', 'with', 'to', 'in', 'on', 'for', 'from', 'by', 'at', 'without', 'into', 'onto', 'as', 'than', 'through', 'after', 'before', 'between', 'below', 'above', 'under', 'over', 'inside', 'outside', 'within', 'like', 'per', 'via', 'about', 'across', 'around', 'against', 'along', 'among', 'behind', 'beyond', 'during', 'except', 'near', 'since', 'toward', 'towards', 'upon', 'off', 'out', 'up', 'down'],
  conj: ['and', 'or', 'but', 'nor', 'yet', 'so'],
  sub: ['when', 'where', 'while', 'if', 'that', 'which', 'who', 'what', 'unless', 'until', 'because', 'whether', 'once', 'though', 'although', 'then', 'how'],
  aux: ['does', 'do', 'did', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'can', 'cannot', 'could', 'should', 'must', 'will', 'would', 'may', 'might', 'shall', 'has', 'have', 'had', "doesn't", "don't", "isn't", "aren't", "can't", "won't"],
  neg: ['not', 'never'],
  pron: ['it', 'they', 'them', 'itself', 'themselves', 'he', 'she', 'we', 'you', 'i', 'me', 'us', 'him'],
};
const CLASS = new Map(Object.entries(CLOSED).flatMap(([c, ws]) => ws.map((w) => [w, c] as const)));

/** The closed class of `word` (lower-cased), or 'word' for an open-class word (a noun, verb, adjective, name, identifier). */
export function wordClass(word: string): string {
  return CLASS.get(word.toLowerCase()) ?? 'word';
}

/**
 * The slot `words[i]` fills: a closed-class word its class; an open-class word the class of the word
 * before it (or the title's start), whether the next is an open-class word, a closed-class one or
 * the title's end, and whether it ends like a plural or a third-person verb (`-s`, not `-ss`/`-us`/`-is`). Two words of one slot can replace each other without
 * breaking the title's grammar as far as its neighbours tell.
 */
export function slotOf(words: readonly string[], i: number): string {
  const w = words[i]!;
  const own = wordClass(w);
  if (own !== 'word') return own;
  const prev = i === 0 ? '^' : wordClass(words[i - 1]!);
  const after = i === words.length - 1 ? '$' : wordClass(words[i + 1]!);
  const next = after === 'word' || after === '$' ? after : 'fn'; // before a closed-class word: any of them
  return `${prev}_${next}${/[^siu]s$/i.test(w) ? ':s' : ''}`;
}

/** Whether `word` may follow `prev` as far as a/an go (a consonant sound after "a", a vowel after "an"; by the first letter). */
export function articleFits(prev: string | undefined, word: string): boolean {
  const p = prev?.toLowerCase();
  if (p === 'a') return !/^[aeiou]/i.test(word);
  if (p === 'an') return /^[aeiou]/i.test(word);
  return true;
}
