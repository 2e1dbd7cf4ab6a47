// What the built-in agent shows of a task's `problem_assets/`: the statement with its image URLs
// mapped to the local files, the images as content parts for a model that accepts images, and for
// a text-only model (or an external agent) a note naming the images it cannot see.
import type { TaskSpec } from '../config/task.ts';
import type { ChatMessage, ContentPart } from '../models/types.ts';
import { localizeStatement, readAsset, scanProblemAssets, type ProblemAsset } from '../tasks/problem-assets.ts';
import { ASSETS_DIR } from '../tasks/swe-folder.ts';

/** Images sent in one request at most (Anthropic allows 100 per request; 20 keeps the request small). */
export const MAX_IMAGES = 20;
/** Image bytes sent in one request at most: 20 MiB (base64 makes it ~27 MB, under Anthropic's 32 MB request limit). */
export const MAX_IMAGE_BYTES_TOTAL = 20 * 1024 * 1024;

/** The task's issue as the agent presents it. */
export interface ProblemView {
  /** The problem statement for the instance template: asset URLs mapped to `problem_assets/<file>`, and a note on the assets (none without assets). */
  statement: string;
  /** Image parts to send after the instance text (each labelled by a text part); empty for a text-only model. */
  parts: ContentPart[];
  /** The images in `parts`, as `problem_assets/<file>`. */
  shown: string[];
  /** Images the task has, shown or not (null when it has none: then the record says nothing about images). */
  images: number | null;
  /** data URL → `problem_assets/<file>`, to keep the bytes out of the trajectory (`elideImages`). */
  names: Map<string, string>;
}

const local = (a: ProblemAsset) => `${ASSETS_DIR}/${a.file}`;

/**
 * Builds the view of `task`'s issue for a model that accepts images (`acceptsImages`) or not.
 * The issue's images (PNG, JPEG, GIF, WebP by their bytes, at the top of problem_assets/ or linked
 * from the statement) are shown in name order up to MAX_IMAGES and
 * MAX_IMAGE_BYTES_TOTAL; the statement then ends with a note listing them, and any not shown (over
 * the limits, or a text-only model: "cannot be shown to you") and the other attachments (code, a
 * zip, …) as not available. The assets were checked when the task was loaded (`scanProblemAssets`);
 * one that has become unreadable since is listed as not available.
 */
export async function problemView(task: Pick<TaskSpec, 'dir' | 'problem_statement' | 'problem_assets' | 'swe_bench'>, acceptsImages: boolean): Promise<ProblemView> {
  const { assets } = await scanProblemAssets(task);
  // The issue's images: the top level of problem_assets/ (the published `<i>-<name>` files) and any
  // the statement links to; an image inside an attached project (`codesandbox/data/icon.png`) is part of that attachment.
  const isIssueImage = (a: ProblemAsset) => a.media_type !== null && (!a.file.includes('/') || a.url !== undefined);
  const images = assets.filter(isIssueImage);
  const others = assets.filter((a) => !isIssueImage(a)).map(local);
  const view: ProblemView = { statement: localizeStatement(task.problem_statement, assets), parts: [], shown: [], images: images.length ? images.length : null, names: new Map() };
  if (!assets.length) return view;
  const withheld: string[] = [];
  let total = 0;
  for (const a of images) {
    const bytes = acceptsImages && view.shown.length < MAX_IMAGES && total + a.bytes <= MAX_IMAGE_BYTES_TOTAL ? await readAsset(task.dir, a) : null;
    if (!bytes) {
      withheld.push(local(a));
      continue;
    }
    total += bytes.length;
    const url = `data:${a.media_type};base64,${bytes.toString('base64')}`;
    view.parts.push({ type: 'text', text: `Image ${view.shown.length + 1}: ${local(a)}` }, { type: 'image_url', image_url: { url } });
    view.shown.push(local(a));
    view.names.set(url, local(a));
  }
  const notes: string[] = [];
  if (view.shown.length) notes.push(`The issue's images are attached below, in order: ${view.shown.join(', ')}. They are not files in the repository.`);
  if (withheld.length) {
    notes.push(
      acceptsImages
        ? `These images of the issue are not shown (over the limit of ${MAX_IMAGES} images or ${MAX_IMAGE_BYTES_TOTAL / 1024 / 1024} MiB per request): ${withheld.join(', ')}.`
        : `The issue includes ${withheld.length} image(s) that cannot be shown to you (this model takes text only): ${withheld.join(', ')}. Work from the text.`,
    );
  }
  if (others.length) notes.push(`Other attachments of the issue, not available here: ${others.join(', ')}.`);
  view.statement = `${view.statement.replace(/\s*$/, '')}\n\n${notes.join('\n')}\n`;
  return view;
}

/** The first user message: the instance text alone, or followed by the image parts. */
export function problemMessage(text: string, view: ProblemView): ChatMessage {
  return { role: 'user', content: view.parts.length ? [{ type: 'text', text }, ...view.parts] : text };
}

/**
 * The messages with every image's bytes left out (`image_url.url` becomes `problem_assets/<file>`),
 * for the trajectory: it records what was sent without copying the images into the results. Pure.
 */
export function elideImages(messages: readonly ChatMessage[], names: ReadonlyMap<string, string>): ChatMessage[] {
  if (!names.size) return [...messages];
  return messages.map((m) =>
    m.role === 'user' && Array.isArray(m.content)
      ? { ...m, content: m.content.map((p) => (p.type === 'image_url' && names.has(p.image_url.url) ? { type: 'image_url' as const, image_url: { url: names.get(p.image_url.url)! } } : p)) }
      : m,
  );
}
