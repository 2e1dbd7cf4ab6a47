// `tasks create` names an existing task that repeats the new one: the whole fix (refused unless
// --allow-duplicate), or its gold.patch with other tests (a warning: the same fix scored twice).
import { describe, expect, it } from 'vitest';
import { patchPostImages, sameFixAs, type TaskFix } from '../../../src/tasks/mine-dedupe.ts';

const section = (file: string, blob: string) => `diff --git a/${file} b/${file}\nindex 1111111..${blob} 100644\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-a\n+b\n`;
const gold = section('src/add.js', 'aaaaaaa');
const fix = (id: string, goldPatch: string, testPatch: string, base = 'c0ffee'): TaskFix => {
  const g = patchPostImages(goldPatch);
  return { instance_id: id, base_commit: base, files: new Map([...g, ...patchPostImages(testPatch)]), gold: g };
};

describe('sameFixAs', () => {
  const existing = [fix('tiny-1', gold, section('test/add.test.js', 'bbbbbbb'))];
  it('the same gold.patch and test.patch: the same fix', () => {
    expect(sameFixAs({ instance_id: 'new', base_commit: 'c0ffee', patch: gold, test_patch: section('test/add.test.js', 'bbbbbbb') }, existing)).toEqual({ id: 'tiny-1', same: 'fix' });
  });
  it('the same gold.patch with other tests: the same gold', () => {
    expect(sameFixAs({ instance_id: 'new', base_commit: 'c0ffee', patch: gold, test_patch: section('test/add.test.js', 'ccccccc') }, existing)).toEqual({ id: 'tiny-1', same: 'gold' });
    expect(sameFixAs({ instance_id: 'new', base_commit: 'c0ffee', patch: gold, test_patch: section('test/other.test.js', 'ddddddd') }, existing)).toEqual({ id: 'tiny-1', same: 'gold' });
  });
  it('another gold.patch, another base_commit, or the task itself: none', () => {
    expect(sameFixAs({ instance_id: 'new', base_commit: 'c0ffee', patch: section('src/add.js', 'eeeeeee'), test_patch: section('test/add.test.js', 'bbbbbbb') }, existing)).toBeNull();
    expect(sameFixAs({ instance_id: 'new', base_commit: 'deadbeef', patch: gold, test_patch: '' }, existing)).toBeNull();
    expect(sameFixAs({ instance_id: 'tiny-1', base_commit: 'c0ffee', patch: gold, test_patch: '' }, existing)).toBeNull();
    // a gold.patch that adds a file to the existing one's is another fix
    expect(sameFixAs({ instance_id: 'new', base_commit: 'c0ffee', patch: gold + section('src/sub.js', 'fffffff'), test_patch: '' }, existing)).toBeNull();
  });
});
