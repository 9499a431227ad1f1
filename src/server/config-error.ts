/** A setting that cannot work, thrown when the handlers are made so it is found at startup, not in a flow. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
