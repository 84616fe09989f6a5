import type { PlanList, PlanResource, RunList, RunResource, Timeline, WorkerList } from '@loadtest/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from './client.js';

/** Query keys, one place: live events invalidate them by these names. */
export const keys = {
  workers: ['workers'] as const,
  plans: ['plans'] as const,
  plan: (id: string) => ['plans', id] as const,
  planRuns: (planId: string) => ['plans', planId, 'runs'] as const,
  run: (id: string) => ['runs', id] as const,
  timeline: (id: string) => ['runs', id, 'timeline'] as const,
};

export const useWorkers = () => useQuery({ queryKey: keys.workers, queryFn: () => apiRequest<WorkerList>('/workers') });
export const usePlans = () => useQuery({ queryKey: keys.plans, queryFn: () => apiRequest<PlanList>('/plans') });
export const usePlan = (id: string) => useQuery({ queryKey: keys.plan(id), queryFn: () => apiRequest<PlanResource>(`/plans/${id}`) });
export const usePlanRuns = (planId: string) =>
  useQuery({ queryKey: keys.planRuns(planId), queryFn: () => apiRequest<RunList>(`/plans/${planId}/runs`) });

const ACTIVE = new Set(['pending', 'running']);

/** A run; while it is active it is asked again every 2 s (its shares' states and windows move). */
export const useRun = (id: string) =>
  useQuery({
    queryKey: keys.run(id),
    queryFn: () => apiRequest<RunResource>(`/runs/${id}`),
    refetchInterval: (query) => (query.state.data && ACTIVE.has(query.state.data.state) ? 2000 : false),
  });

export const useTimeline = (id: string) => useQuery({ queryKey: keys.timeline(id), queryFn: () => apiRequest<Timeline>(`/runs/${id}/timeline`) });

export const isActive = (run: Pick<RunResource, 'state'>) => ACTIVE.has(run.state);
