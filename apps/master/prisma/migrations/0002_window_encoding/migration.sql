-- AlterTable
ALTER TABLE "run_workers" ADD COLUMN     "clock_offset_ms" INTEGER;

-- AlterTable
ALTER TABLE "run_windows" ADD COLUMN     "data" BYTEA,
ALTER COLUMN "duration_ms" DROP NOT NULL,
ALTER COLUMN "bytes" DROP NOT NULL,
ALTER COLUMN "status_codes" DROP NOT NULL,
ALTER COLUMN "errors" DROP NOT NULL,
ALTER COLUMN "histogram" DROP NOT NULL;

