/** Whether a database error is a unique-key violation (MySQL ER_DUP_ENTRY, SQLite UNIQUE/PK),
 *  optionally on a key whose name mentions `column`. */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { code?: unknown; errno?: unknown; message?: unknown };
  const unique =
    e.code === "ER_DUP_ENTRY" ||
    e.errno === 1062 ||
    e.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    e.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  if (!unique) return false;
  return column === undefined || (typeof e.message === "string" && e.message.includes(column));
}

/** Whether a database error is a foreign-key violation on insert or update: the parent row (an
 *  event, a channel, a user) is gone (MySQL ER_NO_REFERENCED_ROW(_2), SQLite FOREIGNKEY). */
export function isForeignKeyViolation(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { code?: unknown; errno?: unknown };
  return (
    e.code === "ER_NO_REFERENCED_ROW_2" ||
    e.code === "ER_NO_REFERENCED_ROW" ||
    e.errno === 1452 ||
    e.errno === 1216 ||
    e.code === "SQLITE_CONSTRAINT_FOREIGNKEY"
  );
}

/** Runs `attempt` until it does not hit a unique violation on `column`, at most `tries` times. */
export async function retryOnCollision<T>(
  column: string,
  tries: number,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries || !isUniqueViolation(err, column)) throw err;
    }
  }
}
