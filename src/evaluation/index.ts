// Evaluation: patch normalisation and application, test-file protection, test run, per-test parsing, grading (DESIGN.md §6).
export type { EvaluationResult, TestStatus, TestsStatus } from './types.ts';
export { evaluate, type EvaluateOptions } from './evaluate.ts';
export { applyPatch, APPLY_STRATEGIES, type ApplyResult, type ApplyStrategy } from './apply-patch.ts';
export { normalizePatch, type NormalizedPatch } from './normalize-patch.ts';
export { dropProtectedEntries, loadProtection, restoreProtected, testPatchFiles, type Protection } from './protected-files.ts';
export { diffFiles, type DiffFile } from './diff-files.ts';
export { grade, type Grade } from './grade.ts';
export * from './parse/index.ts';
