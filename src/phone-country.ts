/**
 * The country a national number is read in: the one chosen, else `default-country`; never one
 * outside `allowed` (the first allowed then). It imports nothing, so the first paint and the
 * lazily loaded phone rules both use it without importing each other.
 */
export function effectiveCountry(
  chosen: string | undefined,
  defaultCountry: string,
  allowed: readonly string[],
): string {
  const country = chosen || defaultCountry || 'US';
  return allowed.length && !allowed.includes(country) ? allowed[0]! : country;
}
