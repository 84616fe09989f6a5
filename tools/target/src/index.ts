export { startTarget, type TargetServer, type TargetStats } from './target-server.js';
