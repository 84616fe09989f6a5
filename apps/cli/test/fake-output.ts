import pc from 'picocolors';
import type { Output } from '../src/output/output.js';

/** An Output that keeps what a command printed, without colours, as a user reading a log would see it. */
export interface CapturedOutput extends Output {
  stdout: string[];
  stderr: string[];
  /** stdout and stderr as lines of text. */
  text(): { stdout: string; stderr: string };
}

export function captureOutput(isTTY = false): CapturedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    line: (text = '') => void stdout.push(`${text}\n`),
    write: (text) => void stdout.push(text),
    writeError: (text) => void stderr.push(text),
    error: (text) => void stderr.push(`${text}\n`),
    isTTY,
    colors: pc.createColors(false),
    stream: process.stdout,
    text: () => ({ stdout: stdout.join(''), stderr: stderr.join('') }),
  };
}
