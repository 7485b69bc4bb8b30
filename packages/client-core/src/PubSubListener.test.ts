import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PubSubMessage } from '@roomkit/protocol';
import { PubSubListener, checkListeners, checkSubscribeOptions } from './PubSubListener.js';

const msg = (n: number): PubSubMessage => ({ id: `m${n}`, topic: 'T', message: `m${n}`, senderId: 'a', senderName: 'A', timestamp: new Date(0).toISOString() }) as PubSubMessage;
const flushMicrotasks = () => new Promise<void>((r) => queueMicrotask(r));

function recorder(options = {}) {
  const got = { each: [] as string[], batches: [] as string[][], old: [] as string[][], dropped: 0, warned: [] as string[] };
  const listener = new PubSubListener(
    {
      onMessageReceived: (m) => got.each.push(m.message),
      onBatchReceived: (ms) => got.batches.push(ms.map((m) => m.message)),
      onOldMessagesReceived: (ms) => got.old.push(ms.map((m) => m.message)),
      onMessageDrop: (i) => (got.dropped += i.droppedCount),
    },
    checkSubscribeOptions(options),
    (name) => got.warned.push(name),
  );
  return { listener, got };
}

describe('PubSubListener', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('messages of one turn arrive one by one and as one batch', async () => {
    const { listener, got } = recorder();
    listener.push(msg(1));
    listener.push(msg(2));
    await flushMicrotasks();
    expect(got.each).toEqual(['m1', 'm2']);
    expect(got.batches).toEqual([['m1', 'm2']]);
  });

  it('oldMessageLimit keeps the newest, 0 keeps none, unset keeps all', () => {
    for (const [limit, expected] of [[1, ['m3']], [0, []], [undefined, ['m1', 'm2', 'm3']]] as const) {
      const { listener, got } = recorder(limit === undefined ? {} : { oldMessageLimit: limit });
      listener.deliverOld([msg(1), msg(2), msg(3)]);
      expect(got.old).toEqual([expected]);
    }
  });

  it("newMessageLimit queues the excess to the next 500 ms windows ('queue', the default)", async () => {
    const { listener, got } = recorder({ newMessageLimit: 2 });
    for (let i = 1; i <= 5; i++) listener.push(msg(i));
    await flushMicrotasks();
    expect(got.each).toEqual(['m1', 'm2']);
    await vi.advanceTimersByTimeAsync(500);
    expect(got.each).toEqual(['m1', 'm2', 'm3', 'm4']);
    await vi.advanceTimersByTimeAsync(500);
    expect(got.batches).toEqual([['m1', 'm2'], ['m3', 'm4'], ['m5']]);
    expect(got.dropped).toBe(0);
  });

  it("'drop' drops the excess and says how many; maxQueue bounds what 'queue' keeps", async () => {
    const dropping = recorder({ newMessageLimit: 2, realtimeOverflow: 'drop' });
    for (let i = 1; i <= 5; i++) dropping.listener.push(msg(i));
    await flushMicrotasks();
    expect(dropping.got.each).toEqual(['m1', 'm2']);
    expect(dropping.got.dropped).toBe(3);

    const bounded = recorder({ newMessageLimit: 1, maxQueue: 2 });
    for (let i = 1; i <= 5; i++) bounded.listener.push(msg(i));
    await flushMicrotasks();
    await vi.advanceTimersByTimeAsync(2000);
    expect(bounded.got.dropped).toBe(3);
    expect(bounded.got.each).toEqual(['m4', 'm5']);
  });

  it('a throwing callback is reported and the others still run; close() stops delivery', async () => {
    const warned: string[] = [];
    const batches: number[] = [];
    const listener = new PubSubListener(
      { onMessageReceived: () => { throw new Error('app bug'); }, onBatchReceived: (ms) => batches.push(ms.length) },
      checkSubscribeOptions({}),
      (name) => warned.push(name),
    );
    listener.push(msg(1));
    await flushMicrotasks();
    expect(warned).toEqual(['onMessageReceived']);
    expect(batches).toEqual([1]);
    listener.close();
    listener.push(msg(2));
    await flushMicrotasks();
    expect(batches).toEqual([1]);
  });

  it('refuses what VideoSDK refuses, with 3073', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (e) {
        return (e as { code: number }).code;
      }
    };
    expect(code(() => checkListeners({ onBatchReceived: 5 }, 'subscribe'))).toBe(3073);
    expect(code(() => checkListeners(null, 'subscribe'))).toBe(3073);
    expect(code(() => checkSubscribeOptions({ newMessageLimit: 0 }))).toBe(3073);
    expect(code(() => checkSubscribeOptions({ oldMessageLimit: -1 }))).toBe(3073);
    expect(code(() => checkSubscribeOptions({ realtimeOverflow: 'later' as never }))).toBe(3073);
    expect(code(() => checkSubscribeOptions({ realtimeOverflow: 'drop', maxQueue: 3 }))).toBe(3073);
    expect(code(() => checkSubscribeOptions({ maxQueue: 201 }))).toBe(3073);
    // The React SDK passes null for every option it was not given.
    expect(code(() => checkSubscribeOptions({ oldMessageLimit: null, newMessageLimit: null, realtimeOverflow: null, maxQueue: null }))).toBe('ok');
  });
});
