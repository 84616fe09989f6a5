export { startTarget, TARGET_PASSWORD, type TargetServer, type TargetStats } from './target-server.js';
export { ArrivalLog, type ArrivalSecond } from './arrival-log.js';
