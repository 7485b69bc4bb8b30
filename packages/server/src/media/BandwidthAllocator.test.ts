import { describe, expect, it } from 'vitest';
import { BandwidthAllocator } from './BandwidthAllocator.js';
import type { Consumer } from './Consumer.js';
import type { SubscriberTransport } from './SubscriberTransport.js';
import { TransportCcEstimator } from './TransportCcEstimator.js';

const RATES = [150_000, 500_000, 1_500_000];

/** A camera consumer with three live layers at RATES, wanting the high one. */
function camera(id: string) {
  return {
    id,
    paused: false,
    preferredLayer: 2,
    allocatedLayer: 2,
    producer: {
      kind: 'video',
      simulcast: true,
      group: null,
      layerBitrate: (layer: number) => RATES[layer]!,
      isLayerLive: () => true,
      pickLayer: (preferred: number) => preferred,
    },
    setAllocatedLayer(layer: number) {
      this.allocatedLayer = layer;
    },
  };
}

function allocator(estimateBps: number) {
  // No transport-cc feedback ever arrives, so the receiver-report estimate is the budget.
  const transport = {
    id: 't', slots: [], bandwidth: { estimate: estimateBps, loss: 0 }, sendBitrateBps: 0,
    transportCc: new TransportCcEstimator(() => 0),
    estimateBps: () => estimateBps,
    setPacingRate: () => {},
    paceProbe: () => {},
  };
  return new BandwidthAllocator(transport as unknown as SubscriberTransport);
}

describe('BandwidthAllocator', () => {
  it('two cameras on a 1.8 Mbps budget: one gets the high layer, the other the low one', () => {
    const [a, b] = [camera('a'), camera('b')];
    allocator(1_800_000).allocate([a, b] as unknown as Consumer[], null, 0, 100);
    expect([a.allocatedLayer, b.allocatedLayer]).toEqual([2, 0]);
  });

  it('a paused camera costs nothing: the other moves up to the high layer (after the upgrade hold)', () => {
    const [a, b] = [camera('a'), camera('b')];
    const alloc = allocator(1_800_000);
    alloc.allocate([a, b] as unknown as Consumer[], null, 0, 100);
    a.paused = true;
    alloc.allocate([a, b] as unknown as Consumer[], null, 100, 100);
    alloc.allocate([a, b] as unknown as Consumer[], null, 2200, 100);
    expect(b.allocatedLayer).toBe(2);
    // Resumed, it shares again: the one allocated first keeps the high layer, the other drops at once.
    a.paused = false;
    alloc.allocate([a, b] as unknown as Consumer[], null, 2300, 100);
    expect([a.allocatedLayer, b.allocatedLayer]).toEqual([2, 0]);
  });

  it('a camera whose layers were not live yet takes the high layer as soon as they are (no upgrade hold)', () => {
    const a = camera('a');
    let live = false;
    a.producer.isLayerLive = () => live;
    a.producer.pickLayer = (preferred: number) => (live ? preferred : -1);
    const alloc = allocator(5_000_000);
    alloc.allocate([a] as unknown as Consumer[], null, 0, 100);
    expect(a.allocatedLayer).toBe(-1);
    live = true;
    alloc.allocate([a] as unknown as Consumer[], null, 500, 100);
    expect(a.allocatedLayer).toBe(2);
  });
});
