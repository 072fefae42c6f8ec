// One order for what the model and its converters sort: results must not follow the order the input
// happened to list things in, and Array.prototype.sort's default compares bigints as strings.

/** Ascending order of strings, numbers or bigints, for Array.prototype.sort. */
export function ascending<T extends string | number | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
