// `npm run tasks:manifest`: rewrites tasks/bundled-manifest.json from the bundled tasks (run it after
// adding or changing a bundled task; the unit test test/unit/cli/bundled-manifest.test.ts says when).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/cli/paths.ts';
import { buildManifest, MANIFEST_FILE } from '../src/tasks/bundled-manifest.ts';

const tasksDir = path.join(PACKAGE_ROOT, 'tasks');
const manifest = buildManifest(tasksDir);
writeFileSync(path.join(tasksDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
console.log(`${path.join(tasksDir, MANIFEST_FILE)}: ${Object.keys(manifest.tasks).length} task(s)`);
