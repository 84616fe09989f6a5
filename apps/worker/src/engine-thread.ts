// The engine thread's entry in the worker's bundles (dist/apps/worker, the one-command mode's bundle): built
// beside main.js and thread.js, where EnginePool looks for engine-thread.js. The thread itself is the engine's.
import '@loadtest/engine/engine-thread';
