/** A fresh MariaDB database per test file on the server `npm test` started (TEST_MYSQL_URL). */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";

export async function createDatabase(
  baseUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const conn = await mysql.createConnection(baseUrl);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return {
    url: `${baseUrl.replace(/\/$/, "")}/${name}`,
    drop: async () => {
      const c = await mysql.createConnection(baseUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
