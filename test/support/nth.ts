/**
 * `list[index]` (a negative index counts from the end), or a failure that says what was missing
 * and how many there were: for a test's "the second request", "the first SDK run".
 */
export function nth<T>(list: readonly T[], index: number, what: string): T {
  const item = list.at(index);
  if (item === undefined) throw new Error(`No ${what} at index ${index} (${list.length} in all)`);
  return item;
}
