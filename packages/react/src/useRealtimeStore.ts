// useRealtimeStore(key, {onValueChanged}?): one key of the meeting's realtime store; observes it
// while joined.
import { useEffect, useMemo, useRef } from 'react';
import { useMeetingContext } from './MeetingContext.js';

export interface RealtimeStoreCallbacks {
  onValueChanged?: (info: { value: string | null; updatedBy: string }) => void;
}

export function useRealtimeStore(key: string, callbacks: RealtimeStoreCallbacks = {}) {
  const { meeting, joined } = useMeetingContext('useRealtimeStore');
  const latest = useRef(callbacks);
  latest.current = callbacks;

  useEffect(() => {
    if (!joined) return;
    let observer: string | null = null;
    let active = true;
    meeting.realtimeStore
      .observe(key, (value, updatedBy) => latest.current.onValueChanged?.({ value, updatedBy }))
      .then((id) => (active ? (observer = id) : void meeting.realtimeStore.stopObserving(id)))
      .catch((err: unknown) => console.warn(`useRealtimeStore('${key}'): observe failed`, err));
    return () => {
      active = false;
      if (observer) void meeting.realtimeStore.stopObserving(observer).catch(() => {});
    };
  }, [meeting, joined, key]);

  return useMemo(
    () => ({
      setValue: (value: string | null) => meeting.realtimeStore.setValue(key, value),
      getValue: () => meeting.realtimeStore.getValue(key),
    }),
    [meeting, key],
  );
}
