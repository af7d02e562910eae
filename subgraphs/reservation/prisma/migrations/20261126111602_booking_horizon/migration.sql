-- AlterTable
ALTER TABLE "reservation_settings" ADD COLUMN     "booking_horizon_days" INTEGER;

-- Hand-written (Prisma's differ ignores CHECK constraints): the API refuses the same values
-- with BAD_USER_INPUT; NULL means the service's default (BOOKING_HORIZON_DAYS).
ALTER TABLE "reservation_settings" ADD CONSTRAINT "reservation_settings_booking_horizon_check"
  CHECK ("booking_horizon_days" BETWEEN 1 AND 3650);
