// Workspaces: repo cache, checkout at base_commit, setup, host-side git, patch extraction (DESIGN.md §4, §11).
export type { Workspace } from './types.ts';
export { RepoCache, type RepoCacheOptions } from './repo-cache.ts';
export { resolveRepoSource, type RepoSource } from './repo-source.ts';
export { createWorkspace, planWorkspace, type CreateWorkspaceOptions, type PlannedWorkspace } from './checkout.ts';
export { extractPatch, type ExtractedPatch } from './extract-patch.ts';
export { runSetup, DEFAULT_SETUP_TIMEOUT_MS } from './setup.ts';
export { GIT_IDENTITY, WORKSPACE_BRANCH } from './git.ts';
export { EnvCache, defaultCacheDir, LOCK_FILE_NAMES, type EnvCacheResult } from './env-cache.ts';
export { hostGit, recordSetupState, snapshotCommit, HOST_ATTRIBUTES, type HostRepo } from './host-git.ts';
