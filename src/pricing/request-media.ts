// The media parts of a model request (images, documents, files) and the remote sources it asks the
// provider to fetch, read from its JSON body in either dialect. Pure. Used by the unknown-usage
// bound (src/pricing/usage-bound.ts) and the proxy's refusal of remote sources (src/proxy/endpoints.ts).

/** What a request's content parts hold. */
export interface RequestMedia {
  /** Image parts (`image`, `image_url`, `input_image`). */
  images: number;
  /** Document and file parts (Anthropic `document`/`container_upload`, OpenAI `file`/`input_file`), and parts naming a `file_id`: their prompt tokens do not follow from the request's bytes. */
  documents: number;
  /** Where each non-`data:` source points (`https://…` URL, `file_id` `file-…`), with the part's place (`messages[0].content[1]`). */
  remote: Array<{ where: string; source: string }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const IMAGE_TYPES = new Set(['image', 'image_url', 'input_image']);
const DOCUMENT_TYPES = new Set(['document', 'file', 'input_file', 'container_upload']);

/** A URL the provider would fetch: any string URL not `data:` (case-insensitive). */
const remoteUrl = (v: unknown): string | null => (typeof v === 'string' && v !== '' && !/^\s*data:/i.test(v) ? v : null);

function inspectPart(p: Record<string, unknown>, where: string, out: RequestMedia): void {
  const type = typeof p.type === 'string' ? p.type : '';
  if (IMAGE_TYPES.has(type)) out.images++;
  if (DOCUMENT_TYPES.has(type)) out.documents++;
  const remote = (source: string): void => void out.remote.push({ where, source });
  // OpenAI Chat `image_url: {url}`, Responses `image_url: "…"`.
  const img = isRecord(p.image_url) ? p.image_url.url : p.image_url;
  const imgUrl = type === 'image_url' || type === 'input_image' ? remoteUrl(img) : null;
  if (imgUrl) remote(imgUrl);
  if (typeof p.file_url === 'string') remote(p.file_url);
  // Anthropic `source: {type: 'url', url}` / `{type: 'file', file_id}`.
  if (isRecord(p.source)) {
    if (p.source.type === 'url') remote(String(p.source.url ?? 'url'));
    if (p.source.type === 'file' || typeof p.source.file_id === 'string') {
      out.documents += DOCUMENT_TYPES.has(type) ? 0 : 1;
      remote(`file_id ${String(p.source.file_id ?? '?')}`);
    }
  }
  // OpenAI `file: {file_id}`, Responses `input_file`/`input_image` `file_id`.
  const fileId = typeof p.file_id === 'string' ? p.file_id : isRecord(p.file) && typeof p.file.file_id === 'string' ? p.file.file_id : null;
  if (fileId !== null) {
    out.documents += DOCUMENT_TYPES.has(type) ? 0 : 1;
    remote(`file_id ${fileId}`);
  }
}

function walk(v: unknown, where: string, out: RequestMedia): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, `${where}[${i}]`, out));
    return;
  }
  if (!isRecord(v)) return;
  inspectPart(v, where, out);
  // Nested parts: a message's or item's `content`, a tool result's `content`, a function call's `output`.
  // Never a tool call's `input`/`arguments` or a tool's schema: those are the agent's data, not sources.
  if (Array.isArray(v.content)) walk(v.content, `${where}.content`, out);
  if (Array.isArray(v.output)) walk(v.output, `${where}.output`, out);
}

/**
 * The media of `body` (a parsed request of either dialect): the parts under `messages`, `system`
 * and (Responses) `input`, with their nested `content`/`output` parts (tool results). Unknown
 * shapes count nothing.
 */
export function requestMedia(body: Readonly<Record<string, unknown>>): RequestMedia {
  const out: RequestMedia = { images: 0, documents: 0, remote: [] };
  for (const key of ['messages', 'system', 'input'] as const) walk(body[key], key, out);
  return out;
}
