-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "plans" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL,
    "plan_id" UUID,
    "state" TEXT NOT NULL,
    "load" JSONB NOT NULL,
    "plan_snapshot" JSONB NOT NULL,
    "summary" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "start_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_workers" (
    "run_id" UUID NOT NULL,
    "worker_id" TEXT NOT NULL,
    "share_index" INTEGER NOT NULL,
    "connections" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "windows_reported" INTEGER,
    "reason" TEXT,

    CONSTRAINT "run_workers_pkey" PRIMARY KEY ("run_id","worker_id")
);

-- CreateTable
CREATE TABLE "run_windows" (
    "run_id" UUID NOT NULL,
    "worker_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "second" INTEGER NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL,
    "status_codes" JSONB NOT NULL,
    "errors" JSONB NOT NULL,
    "histogram" BYTEA NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_windows_pkey" PRIMARY KEY ("run_id","worker_id","seq")
);

-- CreateIndex
CREATE INDEX "runs_plan_id_created_at_idx" ON "runs"("plan_id", "created_at");

-- CreateIndex
CREATE INDEX "runs_state_idx" ON "runs"("state");

-- CreateIndex
CREATE INDEX "run_windows_run_id_second_idx" ON "run_windows"("run_id", "second");

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_workers" ADD CONSTRAINT "run_workers_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_windows" ADD CONSTRAINT "run_windows_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

