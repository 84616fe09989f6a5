/** What the coalescer needs of a channel: amqplib's ack and nack, as ChannelWrapper forwards them. */
export interface AckChannel<M extends { fields: { deliveryTag: number } }> {
  ack(message: M, allUpTo?: boolean): void;
  nack(message: M, allUpTo?: boolean, requeue?: boolean): void;
}

type Outcome = 'pending' | 'done' | 'failed';

/**
 * How long handled messages wait for others to share their ack: a thousand workers' heartbeats come spread over
 * each second, one per turn of the event loop, and acked per turn they cost a socket write each.
 */
const ACK_DELAY_MS = 25;
/** So many handled messages are acknowledged at the next turn instead: the broker's prefetch window is not held up. */
const ACK_AT_ONCE_FROM = 64;

/** Runs `flush` after ACK_DELAY_MS, or at the next turn when `soon`. */
function defaultSchedule(flush: () => void, soon: boolean): void {
  if (soon) setImmediate(flush);
  else setTimeout(flush, ACK_DELAY_MS);
}

export interface Delivery<M> {
  message: M;
  outcome: Outcome;
}

/**
 * Acknowledges a consumer's messages in bulk. One `basic.ack` per message is one socket write per message: at a
 * thousand windows a second that was a sixth of the master's time. Here a message is only marked handled, and
 * ACK_DELAY_MS later (at the next turn of the event loop once ACK_AT_ONCE_FROM are handled) one ack with `multiple`
 * covers every message up to the last handled one that has nothing unhandled before it. A message still being handled holds back those after it (their turn comes with it);
 * a failed one is requeued after `redeliveryDelayMs`, as before, and those after it are acknowledged one by one
 * meanwhile, so one failing message never holds up the rest.
 *
 * Delivery tags rise on a channel and start again on a new one: a tag not above the last one seen means the channel
 * was replaced (a reconnection), whose unacknowledged messages the broker requeues by itself, so they are forgotten here.
 */
export class AckCoalescer<M extends { fields: { deliveryTag: number } }> {
  private deliveries: Delivery<M>[] = [];
  private lastTag = 0;
  /** A flush is scheduled: 'later' after the delay, 'soon' at the next turn. */
  private flushScheduled: 'later' | 'soon' | undefined;
  /** Handled since the last flush. */
  private handledSinceFlush = 0;

  constructor(
    private readonly channel: AckChannel<M>,
    private readonly redeliveryDelayMs: number,
    private readonly schedule: (flush: () => void, soon: boolean) => void = defaultSchedule,
  ) {}

  /** A message was delivered: call in delivery order, before it is handled. */
  received(message: M): Delivery<M> {
    const tag = message.fields.deliveryTag;
    if (tag <= this.lastTag) this.deliveries = [];
    this.lastTag = tag;
    const delivery: Delivery<M> = { message, outcome: 'pending' };
    this.deliveries.push(delivery);
    return delivery;
  }

  /** The message was handled (or dropped for good): it is acknowledged with the next bulk ack. */
  handled(delivery: Delivery<M>): void {
    delivery.outcome = 'done';
    this.handledSinceFlush += 1;
    this.scheduleFlush(this.handledSinceFlush >= ACK_AT_ONCE_FROM);
  }

  /** Its handler failed: it is requeued after the delay, and holds back no other message meanwhile. */
  failed(delivery: Delivery<M>): void {
    delivery.outcome = 'failed';
    setTimeout(() => {
      const index = this.deliveries.indexOf(delivery);
      // Gone if the channel was replaced meanwhile: the broker has requeued it already.
      if (index < 0) return;
      this.deliveries.splice(index, 1);
      this.channel.nack(delivery.message, false, true);
      this.scheduleFlush(false);
    }, this.redeliveryDelayMs).unref();
    this.scheduleFlush(false);
  }

  /** Messages delivered and not yet acknowledged or requeued (for tests and metrics). */
  get outstanding(): number {
    return this.deliveries.length;
  }

  private scheduleFlush(soon: boolean): void {
    // A flush already due soon covers this one; one due later is overtaken by a soon one (the later one then finds less to do).
    if (this.flushScheduled === 'soon' || (this.flushScheduled === 'later' && !soon)) return;
    this.flushScheduled = soon ? 'soon' : 'later';
    this.schedule(() => {
      this.flushScheduled = undefined;
      this.flush();
    }, soon);
  }

  /** Acknowledges at once what is handled (before the channel closes). */
  flushNow(): void {
    this.flush();
  }

  private flush(): void {
    this.handledSinceFlush = 0;
    let head = 0;
    while (head < this.deliveries.length && this.deliveries[head]!.outcome === 'done') head += 1;
    if (head > 0) this.channel.ack(this.deliveries[head - 1]!.message, true);
    let rest = head > 0 ? this.deliveries.slice(head) : this.deliveries;
    // Behind a failed message waiting for its requeue, handled ones are acknowledged singly: a bulk ack would take it too.
    if (rest[0]?.outcome === 'failed') {
      rest = rest.filter((delivery) => {
        if (delivery.outcome !== 'done') return true;
        this.channel.ack(delivery.message, false);
        return false;
      });
    }
    this.deliveries = rest;
  }
}
