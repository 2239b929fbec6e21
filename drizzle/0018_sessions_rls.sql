-- sessions: row level security, forced, like every other table that names a shop.
-- Until now the table relied on grants alone (no tenant grant, app_system DELETE and
-- SELECT (shop_id)) and session storage ran as the login that owns it, which sees every
-- shop. Now, through app_secure_tenant_table (drizzle/0002):
--   * session storage runs as app_tenant with app.shop_id set to the session's shop
--     (the library's session ids name the shop: offline_<shop>, <shop>_<user id>), so a
--     query can only ever reach that shop's rows;
--   * app_system (key rotation's rewrap/verify, shop/redact; audited) sees every row;
--   * the owning login sees nothing (FORCE), as on every other tenant table.
SELECT app_secure_tenant_table('sessions', 'SELECT, INSERT, UPDATE, DELETE');
