// Redaction of known secret values (API keys) from text fixbench stores or shows a model.

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

/** A redactor that changes nothing. */
export const noRedaction: Redactor = (text) => text;

/**
 * A redactor replacing every occurrence of each secret (and its JSON-escaped form) with
 * `[REDACTED]`. Secrets shorter than 8 characters are ignored (too likely to match ordinary text).
 */
export function secretRedactor(secrets: Iterable<string>): Redactor {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 8) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  if (!list.length) return noRedaction;
  return (text) => {
    let out = text;
    for (const f of list) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  };
}
