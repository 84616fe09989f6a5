import type { LiveRunStateEvent, LiveWindowEvent } from '@loadtest/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { keys } from '../api/queries.js';
import { liveSocket } from './socket.js';

/** Keeps the workers list current: every `worker:state` event asks the API again. */
export function useWorkerEvents(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const socket = liveSocket();
    const changed = () => void queryClient.invalidateQueries({ queryKey: keys.workers });
    socket.on('worker:state', changed);
    return () => {
      socket.off('worker:state', changed);
    };
  }, [queryClient]);
}

/**
 * A run's live seconds, from the moment the page subscribed (the page shows the stored timeline before
 * them). A state change asks the API for the run and its timeline again. Subscribes again after a reconnect.
 */
export function useRunLive(runId: string, active: boolean): LiveWindowEvent[] {
  const queryClient = useQueryClient();
  const [windows, setWindows] = useState<LiveWindowEvent[]>([]);
  useEffect(() => {
    if (!active) return;
    const socket = liveSocket();
    const subscribe = () => socket.emit('run:subscribe', { runId });
    const onWindow = (event: LiveWindowEvent) => {
      if (event.runId !== runId) return;
      // A revision (a window came after its second was sent) replaces the earlier event of its second.
      setWindows((previous) =>
        event.revision && previous.some((e) => e.second === event.second) ? previous.map((e) => (e.second === event.second ? event : e)) : [...previous, event],
      );
    };
    const onState = (event: LiveRunStateEvent) => {
      if (event.runId !== runId) return;
      void queryClient.invalidateQueries({ queryKey: keys.run(runId) });
      void queryClient.invalidateQueries({ queryKey: keys.timeline(runId) });
    };
    socket.on('run:window', onWindow);
    socket.on('run:state', onState);
    socket.on('connect', subscribe);
    if (socket.connected) subscribe();
    return () => {
      socket.off('run:window', onWindow);
      socket.off('run:state', onState);
      socket.off('connect', subscribe);
      socket.emit('run:unsubscribe', { runId });
    };
  }, [runId, active, queryClient]);
  return windows;
}
