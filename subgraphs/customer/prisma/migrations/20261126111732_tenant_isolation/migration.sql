-- The tenant column defaults to the transaction's tenant, so an insert that names none
-- still lands in the bound tenant (and one with no tenant bound fails NOT NULL).
-- AlterTable
ALTER TABLE "categories" ALTER COLUMN "tenant_id" SET DEFAULT current_setting('app.tenant_id'::text, true);

-- AlterTable
ALTER TABLE "customers" ALTER COLUMN "tenant_id" SET DEFAULT current_setting('app.tenant_id'::text, true);

-- AlterTable
ALTER TABLE "products" ALTER COLUMN "tenant_id" SET DEFAULT current_setting('app.tenant_id'::text, true);

-- Row-level security (hand-written: Prisma's schema has no notation for it, and its differ
-- ignores policies). Every tenant-owned table shows and accepts only the rows of the tenant the
-- current transaction bound with set_config('app.tenant_id', <tenant>, true). FORCE applies the
-- policy to the table's owner too; only superusers and BYPASSRLS roles escape it, and the
-- services run as neither. Without the setting (NULL, or '' once a transaction has ended) no
-- row matches: no tenant, no data.

ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;
CREATE POLICY "customers_tenant_isolation" ON "customers"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));

ALTER TABLE "categories" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "categories" FORCE ROW LEVEL SECURITY;
CREATE POLICY "categories_tenant_isolation" ON "categories"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));

ALTER TABLE "products" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "products" FORCE ROW LEVEL SECURITY;
CREATE POLICY "products_tenant_isolation" ON "products"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));
