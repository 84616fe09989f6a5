export { withMessage } from './with-message.js';
export { onTestFinished } from './on-test-finished.js';
export { waitFor, waitUntil, type WaitOptions } from './wait-for.js';
