// One retry per test of the serial measurement pass (jest.serial.config.mjs).
import { jest } from '@jest/globals';

jest.retryTimes(1, { logErrorsBeforeRetry: true });
