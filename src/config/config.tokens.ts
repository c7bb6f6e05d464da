/** The environment the configuration was read from; secret references `env:NAME` resolve here. */
export const ENVIRONMENT = Symbol('ENVIRONMENT');
