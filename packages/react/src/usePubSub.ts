// usePubSub(topic, listeners?, options?): subscribes once joined, keeps the topic's messages (old
// ones first) in `messages`, and publishes to the topic.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PubSubMessage, PubSubPublishOptions } from '@roomkit/client';
import { useMeetingContext } from './MeetingContext.js';

export interface PubSubListeners {
  onMessageReceived?: (message: PubSubMessage) => void;
  onBatchReceived?: (messages: PubSubMessage[]) => void;
  onOldMessagesReceived?: (messages: PubSubMessage[], info: { isLast: boolean }) => void;
  onMessageDrop?: (info: { droppedCount: number }) => void;
}

export interface UsePubSubOptions {
  oldMessageLimit?: number;
  realtimeOverflow?: 'queue' | 'drop';
  maxQueue?: number;
  newMessageLimit?: number;
  /** Keep at most this many messages in `messages` (the newest). */
  maxMessages?: number;
  /** Accepted for compatibility: batching is controlled by newMessageLimit. */
  bufferMessages?: boolean;
}

export function usePubSub(topic: string, listeners: PubSubListeners = {}, options: UsePubSubOptions = {}) {
  const { meeting, joined } = useMeetingContext('usePubSub');
  const [messages, setMessages] = useState<PubSubMessage[]>([]);
  const latest = useRef(listeners);
  latest.current = listeners;
  const { oldMessageLimit, realtimeOverflow, maxQueue, newMessageLimit, maxMessages } = options;

  useEffect(() => {
    if (!joined) return;
    let active = true;
    const keep = (list: PubSubMessage[]) => (maxMessages && list.length > maxMessages ? list.slice(-maxMessages) : list);
    const subscription = {
      onMessageReceived: (m: PubSubMessage) => {
        if (active) setMessages((list) => keep([...list, m]));
        latest.current.onMessageReceived?.(m);
      },
      onBatchReceived: (ms: PubSubMessage[]) => latest.current.onBatchReceived?.(ms),
      onOldMessagesReceived: (ms: PubSubMessage[], info: { isLast: boolean }) => latest.current.onOldMessagesReceived?.(ms, info),
      onMessageDrop: (info: { droppedCount: number }) => latest.current.onMessageDrop?.(info),
    };
    meeting.pubSub
      .subscribe(topic, subscription, { oldMessageLimit, realtimeOverflow, maxQueue, newMessageLimit })
      .then((old) => active && setMessages((list) => keep([...old, ...list])))
      .catch((err: unknown) => console.warn(`usePubSub('${topic}'): subscribe failed`, err));
    return () => {
      active = false;
      setMessages([]);
      void meeting.pubSub.unsubscribe(topic, subscription).catch(() => {});
    };
  }, [meeting, joined, topic, oldMessageLimit, realtimeOverflow, maxQueue, newMessageLimit, maxMessages]);

  const publish = useCallback(
    (message: string, publishOptions: PubSubPublishOptions = {}, payload?: object) => meeting.pubSub.publish(topic, message, publishOptions, payload),
    [meeting, topic],
  );
  return { publish, messages };
}
