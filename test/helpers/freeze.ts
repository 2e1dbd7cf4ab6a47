// Deep-freezes test inputs so that any mutation by the code under test throws (ES modules are strict).

/** Freezes `value` and every object and array reachable from it; returns it, typed as given. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
