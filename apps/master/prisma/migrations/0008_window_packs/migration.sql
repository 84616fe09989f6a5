-- Windows are stored in packs, one row per run and second of each stored batch, instead of one row per window:
-- the per-row and per-index-entry overhead (~180 B) was half of what a window cost (docs/architecture.md, Storage).
-- run_windows stays as it is, for reading the runs stored before.
-- CreateTable
CREATE TABLE "run_window_packs" (
    "run_id" UUID NOT NULL,
    "second" INTEGER NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "windows" INTEGER NOT NULL,
    "share_ids" TEXT[],
    "seqs" INTEGER[],
    "sizes" INTEGER[],
    "data" BYTEA NOT NULL,

    CONSTRAINT "run_window_packs_pkey" PRIMARY KEY ("run_id","second","id")
);

-- AddForeignKey
ALTER TABLE "run_window_packs" ADD CONSTRAINT "run_window_packs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
