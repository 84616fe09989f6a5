-- Windows are stored in packs, one row per run and second of each stored batch, instead of one row per window:
-- a row's and its index entries' overhead was about half of what a window cost (docs/architecture.md, Storage).
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

-- Encoded windows hardly compress (their histograms are already packed varints): the pack's bytes go to TOAST as
-- they are, without a compression attempt at each insert. The share-id array is left to compress (ids look alike).
ALTER TABLE "run_window_packs" ALTER COLUMN "data" SET STORAGE EXTERNAL;

-- AddForeignKey
ALTER TABLE "run_window_packs" ADD CONSTRAINT "run_window_packs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
