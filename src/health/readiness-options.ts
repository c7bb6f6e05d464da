import {
  B2C_CHECK_CACHE_MS,
  B2C_CHECK_WAIT_MS,
  STORE_CHECK_TIMEOUT_MS,
} from './readiness.constants';

export interface ReadinessOptions {
  b2cCacheMs: number;
  b2cWaitMs: number;
  storeTimeoutMs: number;
  now: () => number;
}

export const READINESS_OPTIONS = Symbol('ReadinessOptions');

export const DEFAULT_READINESS_OPTIONS: ReadinessOptions = {
  b2cCacheMs: B2C_CHECK_CACHE_MS,
  b2cWaitMs: B2C_CHECK_WAIT_MS,
  storeTimeoutMs: STORE_CHECK_TIMEOUT_MS,
  now: Date.now,
};
