import type { PlanList, PlanResource, RangeSummary, RunList, RunResource, Timeline, TimelineBucket, WorkerList } from '@loadtest/protocol';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiRequest } from './client.js';

export const queryString = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Query keys, one place: live events invalidate them by these names. */
export const keys = {
  workers: ['workers'] as const,
  plans: ['plans'] as const,
  plan: (id: string) => ['plans', id] as const,
  runs: ['runs'] as const,
  run: (id: string) => ['runs', id] as const,
  timeline: (id: string) => ['runs', id, 'timeline'] as const,
  summary: (id: string) => ['runs', id, 'summary'] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  audit: ['audit'] as const,
};

export const useWorkers = () => useQuery({ queryKey: keys.workers, queryFn: () => apiRequest<WorkerList>('/workers') });
export const usePlans = () => useQuery({ queryKey: keys.plans, queryFn: () => apiRequest<PlanList>('/plans') });
export const usePlan = (id: string) => useQuery({ queryKey: keys.plan(id), queryFn: () => apiRequest<PlanResource>(`/plans/${id}`) });
/** Which runs the runs list shows; empty: every run. */
export interface RunFilter {
  planId?: string | undefined;
  state?: RunResource['state'] | undefined;
  verdict?: 'passed' | 'failed' | undefined;
}

/** `GET /runs`, newest first, a page at a time (`nextCursor`). */
export const useRunList = (filter: RunFilter, pageSize = 20) =>
  useInfiniteQuery({
    queryKey: [...keys.runs, filter.planId, filter.state, filter.verdict, pageSize],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      apiRequest<RunList>(`/runs${queryString({ planId: filter.planId, state: filter.state, verdict: filter.verdict, limit: pageSize, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

const ACTIVE = new Set(['pending', 'running']);

/** A run; while it is active it is asked again every 2 s (its shares' states and windows move). */
export const useRun = (id: string) =>
  useQuery({
    queryKey: keys.run(id),
    queryFn: () => apiRequest<RunResource>(`/runs/${id}`),
    refetchInterval: (query) => (query.state.data && ACTIVE.has(query.state.data.state) ? 2000 : false),
  });

/** What part of a run to read: one step (request name), one worker, a bucket size. */
export interface RunSlice {
  name?: string | undefined;
  worker?: string | undefined;
  bucket?: TimelineBucket | undefined;
}

export const useTimeline = (id: string, slice: RunSlice = {}) =>
  useQuery({
    queryKey: [...keys.timeline(id), slice.name, slice.worker, slice.bucket],
    queryFn: () => apiRequest<Timeline>(`/runs/${id}/timeline${queryString({ bucket: slice.bucket, name: slice.name, worker: slice.worker })}`),
  });

/** The exact summary of seconds [from, to) of a run, re-merged by the master from the stored windows. */
export const useRangeSummary = (id: string, range: { from: number; to: number } | null, slice: RunSlice = {}) =>
  useQuery({
    queryKey: [...keys.summary(id), range?.from, range?.to, slice.name, slice.worker],
    queryFn: () => apiRequest<RangeSummary>(`/runs/${id}/summary${queryString({ from: range?.from, to: range?.to, name: slice.name, worker: slice.worker })}`),
    enabled: range !== null,
  });

export const isActive = (run: Pick<RunResource, 'state'>) => ACTIVE.has(run.state);
