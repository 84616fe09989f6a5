-- GET /runs reads runs newest first (created_at, then id), a page at a time.
-- CreateIndex
CREATE INDEX "runs_created_at_id_idx" ON "runs"("created_at", "id");
