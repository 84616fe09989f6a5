export { startTarget, type TargetServer, type TargetStats } from './target-server.js';
export { ArrivalLog, type ArrivalSecond } from './arrival-log.js';
