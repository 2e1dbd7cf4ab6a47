// Redaction of known secret values (API keys) from text fixbench stores or shows a model, whole
// (`secretRedactor`) or as a stream cut at arbitrary places (`StreamRedactor`).

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

/** A redactor that changes nothing. */
export const noRedaction: Redactor = (text) => text;

/**
 * The forms of `secrets` to look for: each secret of 8 characters or more, as written and
 * JSON-escaped, longest first. Shorter secrets are ignored (too likely to match ordinary text).
 */
export function secretForms(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 8) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * A redactor replacing every occurrence of each secret (and its JSON-escaped form) with
 * `[REDACTED]`. Secrets shorter than 8 characters are ignored (too likely to match ordinary text).
 */
export function secretRedactor(secrets: Iterable<string>): Redactor {
  const list = secretForms(secrets);
  if (!list.length) return noRedaction;
  return (text) => replaceForms(text, list);
}

function replaceForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}

/**
 * Redacts a text that arrives in pieces (a streamed reply, token by token): a secret split across
 * pieces is still replaced. `push(piece)` returns the text that is safe to pass on now; it holds
 * back the longest tail that could be the start of a secret (at most the longest form's length
 * minus one character) until the next piece shows whether it is. `flush()` returns what is held
 * back at the end of the stream. The concatenation of all returned strings equals
 * `secretRedactor(secrets)` applied to the whole text.
 */
export class StreamRedactor {
  readonly #forms: string[];
  #held = '';

  constructor(secrets: Iterable<string>) {
    this.#forms = secretForms(secrets);
  }

  /** Characters currently held back. */
  get held(): number {
    return this.#held.length;
  }

  push(piece: string): string {
    if (!this.#forms.length) return piece;
    const text = replaceForms(this.#held + piece, this.#forms);
    const keep = this.#partialTail(text);
    this.#held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  flush(): string {
    const rest = this.#held;
    this.#held = '';
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some form. */
  #partialTail(text: string): number {
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
}
