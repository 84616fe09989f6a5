export * from './roles.js';
export * from './rest.js';
export * from './audit.js';
