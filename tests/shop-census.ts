/**
 * Every row that names a shop, counted table by table from the database catalog (any
 * `shop_id` or `shop` column, and ':'-separated text keys such as rate-limit counters),
 * so a table added later is counted without editing a list. The erase tests
 * (shop/redact, "Delete my data now") use it.
 */
import { sql } from "drizzle-orm";

import { queryRows } from "~/db/client.server";
import { asSystem } from "~/db/tenant.server";

export async function rowsOfShopEverywhere(shop: string): Promise<Record<string, number>> {
  return asSystem("test: census", async (tx) => {
    const columns = await queryRows<{ table: string; column: string }>(
      tx,
      sql`select c.table_name as table, c.column_name as column from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
          where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
            and (c.column_name in ('shop_id', 'shop') or (c.column_name = 'key' and c.data_type = 'text'))
          order by 1, 2`,
    );
    const counts: Record<string, number> = {};
    for (const { table, column } of columns) {
      const match = column === "key"
        ? sql`${shop} = any(string_to_array(${sql.identifier(column)}, ':'))`
        : sql`${sql.identifier(column)} = ${shop}`;
      // app_system's policy sees every shop's rows.
      const [row] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(table)} where ${match}`);
      counts[column === "key" ? `${table}.key` : table] = row?.n ?? 0;
    }
    return counts;
  });
}
