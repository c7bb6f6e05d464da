/**
 * Timings of the readiness checks. Constants rather than settings: they protect B2C and the
 * probe's own answer time, and no deployment has needed another value yet. `ReadinessOptions`
 * (readiness-options.ts) carries them, so tests and a future setting can change them in one place.
 */

/**
 * A B2C reachability result is reused this long: however many probes arrive (several load
 * balancers, Kubernetes, an admin's dashboard), B2C sees at most one call per window.
 */
export const B2C_CHECK_CACHE_MS = 5_000;

/**
 * How long a readiness answer waits for a B2C call under way. Probes give up after about a
 * second (Kubernetes' default timeoutSeconds is 1), while a slow B2C can take the whole
 * `b2c.timeoutMs`: after this wait the previous result is reported and the call finishes in the
 * background, its result cached for the next probe.
 */
export const B2C_CHECK_WAIT_MS = 800;

/**
 * A store whose probe write has not committed after this long is reported down: a commit that
 * slow means vendors are timing out too.
 */
export const STORE_CHECK_TIMEOUT_MS = 3_000;
