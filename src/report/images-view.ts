// Which contenders saw the issues' images (problem_assets/, `AttemptRecord.images_sent`): a fact
// line on the run page and on each attempt page. Pure: records in, display fields out.
import type { AttemptRecord } from '../store/records.ts';
import type { Field } from './format.ts';

/**
 * The run page's fact about images, or none when no record of the run says anything about them
 * (no task had images, or the records predate `images_sent`). Value, contenders in id order:
 * "claude-opus-4.6 saw them (7 images on 3 tasks); deepseek-v3.2 did not (text only: 3 tasks with images)".
 */
export function imagesFacts(attempts: readonly Pick<AttemptRecord, 'contender' | 'instance_id' | 'images_sent'>[]): Field[] {
  const by = new Map<string, { tasks: Set<string>; shownTasks: Set<string>; images: number }>();
  for (const a of attempts) {
    if (a.images_sent === undefined) continue;
    const c = by.get(a.contender) ?? { tasks: new Set(), shownTasks: new Set(), images: 0 };
    c.tasks.add(a.instance_id);
    if (a.images_sent > 0) c.shownTasks.add(a.instance_id);
    c.images += a.images_sent;
    by.set(a.contender, c);
  }
  if (!by.size) return [];
  const parts = [...by.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([id, c]) =>
      c.images > 0
        ? `${id} saw them (${c.images} image${c.images === 1 ? '' : 's'} sent on ${n(c.shownTasks.size, 'task')}${c.shownTasks.size < c.tasks.size ? `; none on ${c.tasks.size - c.shownTasks.size}` : ''})`
        : `${id} did not (text only: ${n(c.tasks.size, 'task')} with images)`,
    );
  return [{ label: 'issue images', value: parts.join('; ') }];
}

/** The attempt page's fact: how many of the task's images the model was shown; none when the record says nothing. */
export function attemptImagesFacts(record: Pick<AttemptRecord, 'images_sent'>): Field[] {
  if (record.images_sent === undefined) return [];
  return [{ label: 'issue images shown', value: record.images_sent > 0 ? `${record.images_sent} (sent with the issue)` : 'none (the model takes text only, or the agent passes no images)' }];
}

const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
