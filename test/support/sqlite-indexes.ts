import Database from 'better-sqlite3';

/** The names of the indexes created on `table` (not SQLite's automatic ones), read through a separate connection. */
export function indexNames(file: string, table: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}
