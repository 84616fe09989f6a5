export { firstExistingEntry, threadUrl } from './thread-entry.js';
