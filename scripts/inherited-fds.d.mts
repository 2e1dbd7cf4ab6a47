// Types of scripts/inherited-fds.mjs.
/** Closes every inherited (not close-on-exec) descriptor above 2 but `keep` and node's IPC channel; returns those closed, ascending. */
export function closeInheritedFds(o?: { keep?: number[] }): number[];
