// The results store's record schemas live in src/core/records.ts (pure, importable by analysis);
// re-exported here for the store's readers and writers. Version-1 schemas: src/store/v1.ts.
export * from '../core/records.ts';
