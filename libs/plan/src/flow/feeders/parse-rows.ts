import type { Attachment, Feeder } from '@loadtest/protocol';
import { feederFormat, readFeederData } from '../../feeders/feeder-data.js';
import type { Row } from '../scope.js';

/**
 * A feeder's rows, read once per share from its attachment with the plan
 * format's reader (readFeederData in @loadtest/protocol, which validation uses
 * too): CSV (first line: the column names) or JSON (an array of objects; a
 * value other than a string becomes text). The format is the feeder's, else
 * the attachment name's extension, else its content type, else CSV.
 */
export function parseFeederRows(feeder: Feeder, attachments: readonly Attachment[]): Row[] {
  const attachment = attachments.find((a) => a.name === feeder.attachment);
  if (!attachment) throw new Error(`feeder "${feeder.name}": attachment "${feeder.attachment}" is not in the plan`);
  const format = feederFormat(feeder) ?? (/json/i.test(attachment.contentType ?? '') ? 'json' : 'csv');
  try {
    return readFeederData(attachment, format).rows;
  } catch (error) {
    throw new Error(`feeder "${feeder.name}": ${(error as Error).message}`, { cause: error });
  }
}
