-- AlterTable
ALTER TABLE "run_workers" ADD COLUMN     "segment" JSONB;

