import { describe, expect, it, jest } from '@jest/globals';
import { AckCoalescer } from '../src/amqp/ack-coalescer.js';

interface Message {
  fields: { deliveryTag: number };
}

/** A channel that records what the broker would be told; a manual scheduler runs the bulk ack when the test says. */
function setup(redeliveryDelayMs = 10) {
  const calls: string[] = [];
  const channel = {
    ack: (m: Message, allUpTo?: boolean) => void calls.push(`ack ${m.fields.deliveryTag}${allUpTo ? ' and before' : ''}`),
    nack: (m: Message, _allUpTo?: boolean, requeue?: boolean) => void calls.push(`nack ${m.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  };
  let pending: (() => void) | undefined;
  const acks = new AckCoalescer<Message>(channel, redeliveryDelayMs, (flush) => (pending = flush));
  const runFlush = () => {
    const flush = pending;
    pending = undefined;
    flush?.();
  };
  const deliver = (tag: number) => acks.received({ fields: { deliveryTag: tag } });
  return { acks, calls, runFlush, deliver };
}

describe('AckCoalescer', () => {
  it('acknowledges many handled messages with one bulk ack', () => {
    const { acks, calls, runFlush, deliver } = setup();
    const deliveries = [1, 2, 3, 4].map(deliver);
    for (const d of deliveries) acks.handled(d);
    runFlush();
    expect(calls).toEqual(['ack 4 and before']);
    expect(acks.outstanding).toBe(0);
  });

  it('never acknowledges a message still being handled: those after it wait for it', () => {
    const { acks, calls, runFlush, deliver } = setup();
    const [a, b, c] = [1, 2, 3].map(deliver);
    acks.handled(a!);
    acks.handled(c!);
    runFlush();
    expect(calls).toEqual(['ack 1 and before']);
    acks.handled(b!);
    runFlush();
    expect(calls).toEqual(['ack 1 and before', 'ack 3 and before']);
  });

  it('requeues a failed message after the delay, acknowledging those after it singly meanwhile and in bulk afterwards', async () => {
    const { acks, calls, runFlush, deliver } = setup(10);
    const [a, b, c] = [1, 2, 3].map(deliver);
    acks.handled(a!);
    acks.failed(b!);
    acks.handled(c!);
    runFlush();
    expect(calls).toEqual(['ack 1 and before', 'ack 3']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toContain('nack 2 requeue');
    const d = deliver(4);
    acks.handled(d);
    runFlush();
    expect(calls.at(-1)).toBe('ack 4 and before');
    expect(acks.outstanding).toBe(0);
  });

  it('forgets the deliveries of a replaced channel (tags start again): it never acknowledges a tag of the old one on the new', async () => {
    const { acks, calls, runFlush, deliver } = setup(10);
    const old = deliver(7);
    acks.failed(deliver(8));
    const fresh = deliver(1);
    acks.handled(old);
    acks.handled(fresh);
    runFlush();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual(['ack 1 and before']);
  });

  it('with the default schedule, handled messages wait a few ms to share one ack, and many handled at once are acked at the next turn', () => {
    jest.useFakeTimers();
    try {
      const calls: string[] = [];
      const channel = {
        ack: (m: Message, allUpTo?: boolean) => void calls.push(`ack ${m.fields.deliveryTag}${allUpTo ? ' and before' : ''}`),
        nack: () => void calls.push('nack'),
      };
      const acks = new AckCoalescer<Message>(channel, 10);
      let tag = 0;
      const deliver = () => acks.received({ fields: { deliveryTag: ++tag } });
      // Three heartbeats handled in three turns of the event loop, 1 ms apart: one ack for the three.
      for (let i = 0; i < 3; i++) {
        acks.handled(deliver());
        jest.advanceTimersByTime(1);
      }
      expect(calls).toEqual([]);
      jest.advanceTimersByTime(25);
      expect(calls).toEqual(['ack 3 and before']);
      // A batch of 100 windows stored at once: acknowledged at the next turn, not after the delay.
      for (let i = 0; i < 100; i++) acks.handled(deliver());
      jest.advanceTimersByTime(1);
      expect(calls).toEqual(['ack 3 and before', 'ack 103 and before']);
      expect(acks.outstanding).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
