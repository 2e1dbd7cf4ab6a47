// Offline validators of the CI example files (test/e2e/examples.test.ts), all from npm packages:
// - GitHub Actions: @actions/workflow-parser, GitHub's own parser with the workflow schema bundled;
// - GitLab CI: GitLab's JSON schema (gitlab-org/gitlab app/assets/javascripts/editor/schema/ci.json,
//   the one GitLab's editor uses) as bundled in gitlab-ci-local (its `fetch-schema` script copies it
//   from gitlab.com), checked with ajv;
// - Kubernetes: kubernetes-models, whose classes validate against the Kubernetes OpenAPI schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { tsImport } from 'tsx/esm/api';

const require = createRequire(import.meta.url);

/** Problems GitHub's parser finds in a workflow file (empty = valid). */
export async function githubWorkflowProblems(name: string, content: string): Promise<string[]> {
  // Loaded through tsx: the package imports its JSON schema without the import attribute Node 20 requires.
  const { NoOperationTraceWriter, parseWorkflow } = (await tsImport('@actions/workflow-parser', import.meta.url)) as typeof import('@actions/workflow-parser');
  const r = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return r.context.errors.getErrors().map((e) => e.message);
}

const GITLAB_SCHEMA_START = '{$schema:"http://json-schema.org/draft-07/schema#",$id:"https://gitlab.com/.gitlab-ci.yml"';

/**
 * GitLab's CI schema, read out of gitlab-ci-local's bundle (an object literal there: its module
 * cannot be imported on Node 20, and it would run its CLI).
 * @throws Error when the bundle no longer holds it (the test then names the package to check).
 */
export function gitlabCiSchema(): Record<string, unknown> {
  const bundle = readFileSync(path.join(path.dirname(require.resolve('gitlab-ci-local/package.json')), 'dist', 'index.js'), 'utf8');
  const start = bundle.indexOf(GITLAB_SCHEMA_START);
  if (start < 0) throw new Error('gitlab-ci-local no longer bundles GitLab\'s CI schema as expected');
  // Scan to the matching brace, skipping string literals.
  let depth = 0;
  let i = start;
  for (; i < bundle.length; i++) {
    const c = bundle[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; bundle[i] !== c; i++) if (bundle[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    }
  }
  // A plain object literal of JSON values (minified: !0 / !1 for booleans).
  return new Function(`return (${bundle.slice(start, i + 1)});`)() as Record<string, unknown>;
}

let gitlabValidate: ReturnType<Ajv['compile']> | null = null;

/** Problems GitLab's CI schema finds in a parsed .gitlab-ci.yml (empty = valid). */
export function gitlabCiProblems(doc: unknown): string[] {
  gitlabValidate ??= new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(gitlabCiSchema());
  return gitlabValidate(doc) ? [] : (gitlabValidate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Problems the Kubernetes schema finds in one manifest (by its apiVersion and kind). */
export async function kubernetesProblems(doc: { apiVersion?: string; kind?: string }): Promise<string[]> {
  const models: Record<string, () => Promise<new (d: unknown) => { validate(): void }>> = {
    'batch/v1 Job': async () => (await import('kubernetes-models/batch/v1')).Job as never,
    'v1 PersistentVolumeClaim': async () => (await import('kubernetes-models/v1')).PersistentVolumeClaim as never,
  };
  const load = models[`${doc.apiVersion} ${doc.kind}`];
  if (!load) return [`no validator for apiVersion ${doc.apiVersion}, kind ${doc.kind}`];
  try {
    new (await load())(doc).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}
