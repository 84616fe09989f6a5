-- Plans are kept as written: `json` stores the text, so an object's keys keep their order
-- (`jsonb` sorts them, which reordered e.g. a body's {"user","pass"}). Existing rows keep their content.
-- AlterTable
ALTER TABLE "plans" ALTER COLUMN "definition" SET DATA TYPE JSON USING "definition"::json;

-- AlterTable
ALTER TABLE "runs" ALTER COLUMN "plan_snapshot" SET DATA TYPE JSON USING "plan_snapshot"::json;
