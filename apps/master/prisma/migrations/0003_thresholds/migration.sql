-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "threshold_results" JSONB,
ADD COLUMN     "thresholds" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "verdict" TEXT;

