import type { AlertState, Announced, AlertName } from '../alert-conditions';

/**
 * Alert state tables (PostgreSQL migration 6; the SQLite alert store's own file). The same for
 * both drivers: times are epoch ms (BIGINT), booleans 0/1 in SQLite, so both share the mapping.
 */
export const ALERT_TABLES = `
CREATE TABLE alert_states (
  alert      TEXT             PRIMARY KEY,
  firing     BOOLEAN          NOT NULL,
  since      BIGINT           NOT NULL,
  value      DOUBLE PRECISION NOT NULL,
  baseline   DOUBLE PRECISION NOT NULL,
  announced  TEXT             NOT NULL CHECK (announced IN ('firing', 'resolved')),
  updated_at BIGINT           NOT NULL
);
CREATE TABLE alert_lease (
  name        TEXT   PRIMARY KEY,
  owner       TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0
);
INSERT INTO alert_lease (name) VALUES ('alerts');
`;

export interface AlertStateRow {
  alert: string;
  firing: boolean | number;
  since: string | number;
  value: string | number;
  baseline: string | number;
  announced: string;
}

export function toAlertState(row: AlertStateRow): AlertState {
  return {
    alert: row.alert as AlertName,
    firing: row.firing === true || row.firing === 1,
    since: Number(row.since),
    value: Number(row.value),
    baseline: Number(row.baseline),
    announced: row.announced as Announced,
  };
}

/** `$1` owner, `$2` lease end, `$3` now. */
export const CLAIM_EVALUATION = `
UPDATE alert_lease SET owner = $1, lease_until = $2
WHERE name = 'alerts' AND (owner = $1 OR owner IS NULL OR lease_until < $3)`;

export const RELEASE_EVALUATION = `
UPDATE alert_lease SET owner = NULL, lease_until = 0 WHERE name = 'alerts' AND owner = $1`;

export const SELECT_STATES = 'SELECT * FROM alert_states ORDER BY alert';

/**
 * `$1` owner, `$2` now, then the state's columns. Written only under the caller's live lease:
 * the INSERT selects nothing otherwise (the WHERE also lets SQLite parse the upsert). The casts
 * give PostgreSQL the parameters' types, which a SELECT list does not.
 */
export const SAVE_STATE = `
INSERT INTO alert_states (alert, firing, since, value, baseline, announced, updated_at)
SELECT CAST($3 AS TEXT), CAST($4 AS BOOLEAN), CAST($5 AS BIGINT), CAST($6 AS DOUBLE PRECISION),
       CAST($7 AS DOUBLE PRECISION), CAST($8 AS TEXT), CAST($2 AS BIGINT)
WHERE EXISTS (
  SELECT 1 FROM alert_lease WHERE name = 'alerts' AND owner = $1 AND lease_until >= $2)
ON CONFLICT (alert) DO UPDATE SET
  firing = excluded.firing, since = excluded.since, value = excluded.value,
  baseline = excluded.baseline, announced = excluded.announced, updated_at = excluded.updated_at`;

export function stateParams(owner: string, state: AlertState, now: number): unknown[] {
  return [
    owner,
    now,
    state.alert,
    state.firing,
    state.since,
    state.value,
    state.baseline,
    state.announced,
  ];
}
