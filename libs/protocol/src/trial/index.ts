export * from './trace.js';
export * from './rest.js';
