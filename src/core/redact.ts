// The one redaction rule for text fixbench stores, logs or shows a model (DESIGN.md §11: keys never
// leave fixbench's process): `redactSecrets` on whole text, `StreamRedactor` on text cut anywhere.

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this many characters are not searched for (too likely to match ids and prose). */
export const MIN_SECRET_CHARS = 8;

export type Redactor = (text: string) => string;

/** A redactor that changes nothing (for text that never held a secret, e.g. tests). */
export const noRedaction: Redactor = (text) => text;

/** Characters of a secret-key-shaped token after its `sk-` prefix. */
const KEY_CHAR = /[A-Za-z0-9_*.-]/;
/** A secret-key-shaped token (`sk-` + 6 or more key characters, not inside a word): providers echo masked or partial keys in this shape. */
const KEY_SHAPE = /(?<![A-Za-z0-9_])sk-[A-Za-z0-9_*.-]{6,}/g;
/** A held-back token run longer than this (characters) is redacted at once and the rest of the run dropped. */
const MAX_HELD_RUN = 64 * 1024;

/**
 * The literal forms of `secrets` to look for: each secret of `MIN_SECRET_CHARS` or more, as written
 * and JSON-escaped, longest first.
 */
export function secretForms(secrets: Iterable<string | null | undefined>): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_CHARS) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * THE redaction rule. Replaces in `text`:
 * 1. every occurrence of each secret of 8+ characters, as written or JSON-escaped, with `[REDACTED]`;
 * 2. then every secret-key-shaped token (`sk-` + 6+ of `[A-Za-z0-9_*.-]`, not preceded by a word
 *    character) with `sk-[REDACTED]`, whether or not it is a known secret.
 * Pure and idempotent. `secrets` may hold nulls (contenders without a key).
 */
export function redactSecrets(text: string, secrets: Iterable<string | null | undefined>): string {
  return applyRule(text, secretForms(secrets));
}

/** `redactSecrets` bound to `secrets` (their forms computed once). */
export function secretRedactor(secrets: Iterable<string | null | undefined>): Redactor {
  const forms = secretForms(secrets);
  return (text) => applyRule(text, forms);
}

function replaceForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}

function applyRule(text: string, forms: readonly string[]): string {
  return replaceForms(text, forms).replace(KEY_SHAPE, `sk-${REDACTED}`);
}

/**
 * `redactSecrets` for a text that arrives in pieces (a streamed reply, token by token): a secret or
 * key-shaped token split across pieces is still replaced. `push(piece)` returns the text safe to pass
 * on now; it holds back the longest tail that could be the start of a secret, and a trailing
 * `s`/`sk`/`sk-…` run until a character ends it. `flush()` returns the rest at the end of the stream.
 * The concatenation of all returned strings equals `redactSecrets` of the whole text (a key-shaped
 * run over 64 Ki characters is replaced at once and the rest of that run dropped).
 */
export class StreamRedactor {
  readonly #forms: string[];
  #held = '';
  /** The last character passed on (the context of the "not preceded by a word character" check). */
  #prev = '';
  /** Inside a key-shaped run already replaced: its further key characters are dropped. */
  #swallowing = false;

  constructor(secrets: Iterable<string | null | undefined>) {
    this.#forms = secretForms(secrets);
  }

  /** Characters currently held back. */
  get held(): number {
    return this.#held.length;
  }

  push(piece: string): string {
    let text = replaceForms(this.#held + piece, this.#forms);
    this.#held = '';
    if (this.#swallowing) {
      let run = 0;
      while (run < text.length && KEY_CHAR.test(text[run]!)) run++;
      if (run === text.length) {
        const keep = this.#literalTail(text);
        this.#held = text.slice(text.length - keep);
        return '';
      }
      text = text.slice(run);
      this.#swallowing = false;
    }
    const keyTail = this.#keyTail(text);
    const keep = Math.max(this.#literalTail(text), keyTail);
    if (keep > MAX_HELD_RUN && keyTail === keep) {
      // A key-shaped run this long is a key whatever follows: replace it and drop the rest of the run.
      const out = this.#emit(text.slice(0, text.length - keep)) + `sk-${REDACTED}`;
      this.#prev = ']';
      this.#swallowing = true;
      return out;
    }
    this.#held = text.slice(text.length - keep);
    return this.#emit(text.slice(0, text.length - keep));
  }

  flush(): string {
    const rest = this.#held;
    this.#held = '';
    if (this.#swallowing) {
      this.#swallowing = false;
      return '';
    }
    return this.#emit(rest);
  }

  /** Applies the key-shape rule to `text` in the context of the last character passed on. */
  #emit(text: string): string {
    if (!text) return '';
    const ctx = this.#context();
    const out = (ctx + text).replace(KEY_SHAPE, `sk-${REDACTED}`).slice(ctx.length);
    this.#prev = text[text.length - 1]!;
    return out;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some literal form. */
  #literalTail(text: string): number {
    let best = 0;
    for (const f of this.#forms) {
      for (let n = Math.min(f.length - 1, text.length); n > best; n--) {
        if (text.endsWith(f.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }

  /** One character standing for what was passed on before: a word character or not (none). */
  #context(): string {
    return /[A-Za-z0-9_]/.test(this.#prev) ? 'a' : '';
  }

  /** Length of the longest trailing `s`, `sk` or `sk-<key chars>` run that a later piece could make key-shaped. */
  #keyTail(text: string): number {
    const ctx = this.#context();
    const m = /(?<![A-Za-z0-9_])(?:sk-[A-Za-z0-9_*.-]*|sk|s)$/.exec(ctx + text);
    return m ? m[0].length : 0;
  }
}
