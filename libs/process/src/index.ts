export {
  handleShutdownSignals,
  type Shutdown,
  type ShutdownOptions,
  type ShutdownProcess,
  type ShutdownStep,
  type ShutdownStepContext,
} from './shutdown/shutdown-signals.js';
export { freePort } from './net/free-port.js';
export { chromiumLaunchOptions } from './browser/chromium.js';
export { loadSecretFiles, SECRET_SETTINGS } from './env/secret-files.js';
