/**
 * These scenarios time processes against each other on a shared two-core machine; a scenario
 * that fails is run once more. Jest prints the first failure in full (logErrorsBeforeRetry), so
 * a scenario that failed once stays visible in the log, and one that fails twice fails the run.
 */
jest.retryTimes(1, { logErrorsBeforeRetry: true });
