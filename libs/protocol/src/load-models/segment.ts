import { z } from 'zod';

/** An execution segment: the fraction [from, to) of the whole run that one worker runs, as exact fractions. */
export const SegmentSchema = z
  .object({
    from: z.object({ num: z.int().min(0), den: z.int().min(1) }),
    to: z.object({ num: z.int().min(0), den: z.int().min(1) }),
  })
  .refine((s) => s.from.num * s.to.den <= s.to.num * s.from.den, { message: 'from must not be after to', path: ['to'] })
  .refine((s) => s.to.num <= s.to.den, { message: 'to must be at most 1', path: ['to'] });
export type Segment = z.infer<typeof SegmentSchema>;
