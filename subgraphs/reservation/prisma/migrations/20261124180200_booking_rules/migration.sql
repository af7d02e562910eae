-- AlterTable
ALTER TABLE "reservations" ADD COLUMN     "cancellation_reason" VARCHAR(500),
ADD COLUMN     "ends_at" TIMESTAMPTZ(3),
ADD COLUMN     "idempotency_fingerprint" CHAR(64),
ADD COLUMN     "idempotency_key" VARCHAR(200),
ADD COLUMN     "notes" VARCHAR(2000);

-- Hand-edited: existing reservations get the default duration (120 minutes, no tenant had
-- settings before this migration), then the column becomes NOT NULL as schema.prisma says.
UPDATE "reservations" SET "ends_at" = "starts_at" + INTERVAL '120 minutes' WHERE "ends_at" IS NULL;
ALTER TABLE "reservations" ALTER COLUMN "ends_at" SET NOT NULL;

-- CreateTable
CREATE TABLE "reservation_settings" (
    "tenant_id" VARCHAR(64) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "default_duration_minutes" INTEGER NOT NULL,
    "slot_interval_minutes" INTEGER NOT NULL,
    "opens_at_minute" INTEGER NOT NULL,
    "closes_at_minute" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reservation_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateIndex
CREATE INDEX "reservations_tenant_id_starts_at_idx" ON "reservations"("tenant_id", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "reservations_tenant_id_idempotency_key_key" ON "reservations"("tenant_id", "idempotency_key");

-- ---------------------------------------------------------------------------------------
-- Hand-written below: rules schema.prisma cannot express. Prisma's differ ignores CHECK
-- constraints, so `npm run db:migrate:check` stays clean. The API validates the same rules
-- (BAD_USER_INPUT); these are the last line.
-- ---------------------------------------------------------------------------------------
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_party_size_check" CHECK ("party_size" > 0);
-- At most a day long (the longest defaultDurationMinutes): capacity checks look back only that far.
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_time_range_check"
  CHECK ("ends_at" > "starts_at" AND "ends_at" <= "starts_at" + INTERVAL '1440 minutes');
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_idempotency_check"
  CHECK (("idempotency_key" IS NULL) = ("idempotency_fingerprint" IS NULL));
ALTER TABLE "reservation_settings" ADD CONSTRAINT "reservation_settings_capacity_check" CHECK ("capacity" > 0);
ALTER TABLE "reservation_settings" ADD CONSTRAINT "reservation_settings_duration_check"
  CHECK ("default_duration_minutes" BETWEEN 1 AND 1440);
ALTER TABLE "reservation_settings" ADD CONSTRAINT "reservation_settings_slot_interval_check"
  CHECK ("slot_interval_minutes" BETWEEN 1 AND 1440);
ALTER TABLE "reservation_settings" ADD CONSTRAINT "reservation_settings_opening_check"
  CHECK ("opens_at_minute" BETWEEN 0 AND 1439 AND "closes_at_minute" BETWEEN 0 AND 1439);
