/** Delivery control tables (PostgreSQL migration 5). TO BE FILLED. */
export const DELIVERY_CONTROL_TABLES = `SELECT 1;`;
