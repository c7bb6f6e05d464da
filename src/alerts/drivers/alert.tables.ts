/** Alert state tables (PostgreSQL migration 6). TO BE FILLED. */
export const ALERT_TABLES = `SELECT 1;`;
