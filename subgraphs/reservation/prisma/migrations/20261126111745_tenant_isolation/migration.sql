-- The tenant column defaults to the transaction's tenant, so an insert that names none
-- still lands in the bound tenant (and one with no tenant bound fails NOT NULL).
-- AlterTable
ALTER TABLE "reservation_settings" ALTER COLUMN "tenant_id" SET DEFAULT current_setting('app.tenant_id'::text, true);

-- AlterTable
ALTER TABLE "reservations" ALTER COLUMN "tenant_id" SET DEFAULT current_setting('app.tenant_id'::text, true);

-- Row-level security (hand-written: Prisma's schema has no notation for it, and its differ
-- ignores policies). Every tenant-owned table shows and accepts only the rows of the tenant the
-- current transaction bound with set_config('app.tenant_id', <tenant>, true). FORCE applies the
-- policy to the table's owner too; only superusers and BYPASSRLS roles escape it, and the
-- services run as neither. Without the setting (NULL, or '' once a transaction has ended) no
-- row matches: no tenant, no data.

ALTER TABLE "reservations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "reservations" FORCE ROW LEVEL SECURITY;
CREATE POLICY "reservations_tenant_isolation" ON "reservations"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));

ALTER TABLE "reservation_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "reservation_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY "reservation_settings_tenant_isolation" ON "reservation_settings"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));
