SELECT app_secure_tenant_table('reports', 'SELECT, INSERT, UPDATE, DELETE');
