/** Attempt history tables (PostgreSQL migration 4, SQLite inbox migration 4). TO BE FILLED. */
export const ATTEMPT_HISTORY_TABLES_POSTGRES = `SELECT 1;`;
export const ATTEMPT_HISTORY_TABLES_SQLITE = `SELECT 1;`;
