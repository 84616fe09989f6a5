import type { LoadModel, Segment } from '@loadtest/protocol';
import { constantArrivalDuration, constantArrivalsBy } from './models/constant-arrival-rate.js';
import { constantVusAt, constantVusDuration } from './models/constant-vus.js';
import { rampingArrivalDuration, rampingArrivalsBy } from './models/ramping-arrival-rate.js';
import { rampingVusAt, rampingVusDuration } from './models/ramping-vus.js';
import { segmentShare } from './segment.js';

/** Seconds from the scenario's start to its end (its own start offset excluded). */
export function modelDuration(model: LoadModel): number {
  switch (model.executor) {
    case 'constant-vus':
      return constantVusDuration(model);
    case 'ramping-vus':
      return rampingVusDuration(model);
    case 'constant-arrival-rate':
      return constantArrivalDuration(model);
    case 'ramping-arrival-rate':
      return rampingArrivalDuration(model);
  }
}

/**
 * Closed (VUs loop) or open (arrivals on a schedule), per executor. A Record keyed by every executor: a new load
 * model does not compile until it says which it is; nor until each switch below has its case (no `default`).
 */
const CLOSED_MODEL: Record<LoadModel['executor'], boolean> = {
  'constant-vus': true,
  'ramping-vus': true,
  'constant-arrival-rate': false,
  'ramping-arrival-rate': false,
};

export function isClosedModel(model: LoadModel): boolean {
  return CLOSED_MODEL[model.executor];
}

/** VUs of the whole run at `t` seconds after the run's start (0 for an open model). */
export function plannedVus(model: LoadModel, t: number): number {
  const local = t - model.startTime;
  switch (model.executor) {
    case 'constant-vus':
      return constantVusAt(model, local);
    case 'ramping-vus':
      return rampingVusAt(model, local);
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return 0;
  }
}

/** Requests the whole run plans to have started by `t` seconds after the run's start (0 for a closed model). */
export function plannedArrivals(model: LoadModel, t: number): number {
  const local = t - model.startTime;
  switch (model.executor) {
    case 'constant-arrival-rate':
      return constantArrivalsBy(model, local);
    case 'ramping-arrival-rate':
      return rampingArrivalsBy(model, local);
    case 'constant-vus':
    case 'ramping-vus':
      return 0;
  }
}

/** This segment's VUs at `t`: computed from the segment alone, and the shares of all segments add up exactly. */
export function vusShare(segment: Segment, model: LoadModel, t: number): number {
  return segmentShare(segment, plannedVus(model, t));
}

/**
 * Requests this segment has to have started by `t`. Cumulative, so that each
 * second's shares add up exactly and a worker's error never accumulates: it
 * stays within one request of its exact fraction.
 */
export function arrivalsShare(segment: Segment, model: LoadModel, t: number): number {
  return segmentShare(segment, plannedArrivals(model, t));
}
