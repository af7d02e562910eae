-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "notes" VARCHAR(2000),
ADD COLUMN     "phone_e164" VARCHAR(16);

-- CreateTable
CREATE TABLE "categories" (
    "id" UUID NOT NULL,
    "tenant_id" VARCHAR(64) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "tenant_id" VARCHAR(64) NOT NULL,
    "category_id" UUID,
    "name" VARCHAR(200) NOT NULL,
    "description" VARCHAR(4000),
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL DEFAULT 'EUR',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "categories_tenant_id_position_id_idx" ON "categories"("tenant_id", "position", "id");

-- CreateIndex
CREATE UNIQUE INDEX "categories_tenant_id_id_key" ON "categories"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "products_tenant_id_id_idx" ON "products"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "products_tenant_id_category_id_id_idx" ON "products"("tenant_id", "category_id", "id");

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_tenant_id_category_id_fkey" FOREIGN KEY ("tenant_id", "category_id") REFERENCES "categories"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- ---------------------------------------------------------------------------------------
-- Hand-written below: rules schema.prisma cannot express. Prisma's differ ignores CHECK
-- constraints and expression indexes, so `npm run db:migrate:check` stays clean.
-- ---------------------------------------------------------------------------------------

-- Money and codes are validated by the API (BAD_USER_INPUT); these are the last line.
ALTER TABLE "products" ADD CONSTRAINT "products_price_cents_check" CHECK ("price_cents" >= 0);
ALTER TABLE "products" ADD CONSTRAINT "products_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "categories" ADD CONSTRAINT "categories_position_check" CHECK ("position" >= 0);
ALTER TABLE "customers" ADD CONSTRAINT "customers_phone_e164_check" CHECK ("phone_e164" ~ '^\+[1-9][0-9]{1,14}$');

-- A tenant cannot have "Drinks" and "drinks": category names are unique ignoring case.
CREATE UNIQUE INDEX "categories_tenant_id_lower_name_key" ON "categories"("tenant_id", lower("name"));

-- Search. `products(search:)` and `customers(search:)` match a substring anywhere in the
-- name (and email), ignoring case: Prisma's `contains` + `mode: insensitive`, which it sends
-- as `name ILIKE ('%' || $2 || '%')` (PostgreSQL folds that to a constant pattern when it
-- plans with the parameter). A btree, even on lower(name), only serves prefix patterns
-- (`term%`), so a leading `%` would read every product of the tenant; a trigram GIN index
-- serves `ILIKE '%term%'` for any term of 3+ characters. Decided by EXPLAIN on PostgreSQL 15
-- with 10,000 products of one tenant (bench/products-search.ts): rare terms and every
-- totalCount use a Bitmap Index Scan on products_name_trgm_idx; for terms matching roughly 1%
-- or more the planner instead walks products_pkey in id order and stops after `first` + 1
-- matches, which it prices cheaper than fetching all matches and sorting them (both are a
-- few milliseconds; without the index every search reads the whole table).
--
-- The indexes are on the expression ("name"::text), which is exactly what the planner sees
-- for `varchar ILIKE ...`, so they serve those queries while remaining invisible to Prisma's
-- differ (a plain-column GIN index would be "drift" that Prisma wants to drop).
--
-- pg_trgm ships with PostgreSQL's contrib (Debian's postgresql-15, the postgres:15 image)
-- and the embedded PGlite loads it (packages/platform/src/database/connection.ts). The
-- extension may already exist in another schema than this database's search path (some
-- hosts keep extensions in their own schema), so the operator class is named with the
-- extension's schema. A server without pg_trgm still gets a correct schema: search then works,
-- only without the index (the WARNING says so). That branch is also what lets the offline
-- drift check replay this migration on a bare PGlite.
DO $$
DECLARE
  trgm_schema name;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    SELECT n.nspname INTO trgm_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX "products_name_trgm_idx" ON "products" USING gin (("name"::text) %I.gin_trgm_ops)', trgm_schema);
    EXECUTE format('CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin (("name"::text) %I.gin_trgm_ops)', trgm_schema);
    EXECUTE format('CREATE INDEX "customers_email_trgm_idx" ON "customers" USING gin (("email"::text) %I.gin_trgm_ops)', trgm_schema);
  ELSE
    RAISE WARNING 'extension pg_trgm is not available: product and customer search will not be index-backed';
  END IF;
END
$$;
