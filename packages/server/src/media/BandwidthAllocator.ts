// Shares one subscriber's estimated downlink among its streams: audio first, then screen shares,
// then cameras (the active speaker's first). Each video stream gets the highest simulcast layer
// that fits (never less than the lowest live one); a stream moves up only after the estimate has
// held for a while, and down at once. With transport-cc feedback the estimate is bounded by what the
// link delivered, so when the streams want more than it, the allocator asks the estimator to probe.
// (Without transport-cc the loss-based estimate grows on its own and nothing probes.)
import type { Consumer } from './Consumer.js';
import type { SubscriberTransport } from './SubscriberTransport.js';
import { logger } from '../logger.js';

const log = logger('media:BandwidthAllocator');

/** Nominal layer bitrates, used until a layer's real rate has been measured. */
const NOMINAL_LAYER_BPS = [150_000, 500_000, 1_500_000];
const AUDIO_RESERVE_BPS = 48_000;
/** An upgrade must fit for this long before it happens. */
const UPGRADE_HOLD_MS = 2000;
/** A layer fits when its rate times this margin is within the budget. */
const FIT_MARGIN = 1.1;
/**
 * The layer being sent keeps fitting up to a little over the budget: a keyframe lifts a layer's
 * measured rate for a moment, and a switch down and back up costs two keyframes and a visible
 * quality dip. A real shortage lowers the estimate itself (loss, queue), which does switch.
 */
const KEEP_MARGIN = 0.85;

interface AllocatorState {
  upgradeCandidate: number;
  upgradeSinceMs: number;
}

const states = new WeakMap<Consumer, AllocatorState>();

function layerRate(consumer: Consumer, layer: number, nowMs: number): number {
  const measured = consumer.producer.layerBitrate(layer, nowMs);
  return measured > 0 ? measured : NOMINAL_LAYER_BPS[layer]!;
}

/** Priority: screen shares (single-layer video) first, then the active speaker, then the rest. */
function priority(consumer: Consumer, speakerGroup: string | null): number {
  if (!consumer.producer.simulcast) return 3;
  return consumer.producer.group !== null && consumer.producer.group === speakerGroup ? 2 : 1;
}

export class BandwidthAllocator {
  constructor(private readonly transport: SubscriberTransport) {}

  /** Runs one allocation round; `consumers` are this transport's. */
  allocate(consumers: Consumer[], speakerGroup: string | null, nowMs: number, elapsedMs: number): void {
    const transport = this.transport;
    let sentBytes = 0;
    for (const slot of transport.slots) {
      sentBytes += slot.bytesSent;
      slot.bytesSent = 0;
    }
    const sendBps = elapsedMs > 0 ? (sentBytes * 8000) / elapsedMs : 0;
    transport.sendBitrateBps = transport.sendBitrateBps === 0 ? sendBps : transport.sendBitrateBps * 0.7 + sendBps * 0.3;

    transport.transportCc.update(nowMs, elapsedMs);
    const estimate = transport.estimateBps(nowMs);
    transport.setPacingRate(estimate);
    let budget = estimate;
    let desired = 0;
    const videos: Consumer[] = [];
    for (const consumer of consumers) {
      // A paused stream (off-screen, background tab, stream.pause()) costs nothing: its share goes to the rest.
      if (consumer.paused) continue;
      if (consumer.producer.kind === 'audio') {
        const audio = Math.max(consumer.producer.layerBitrate(0, nowMs), AUDIO_RESERVE_BPS);
        budget -= audio;
        desired += audio;
      } else videos.push(consumer);
    }
    videos.sort((a, b) => priority(b, speakerGroup) - priority(a, speakerGroup));
    for (const consumer of videos) {
      const wanted = Math.min(consumer.preferredLayer, consumer.producer.pickLayer(consumer.preferredLayer, nowMs));
      if (wanted >= 0 && !consumer.paused) desired += layerRate(consumer, wanted, nowMs) * FIT_MARGIN;
      let chosen = -1;
      for (let layer = wanted; layer >= 0; layer--) {
        if (!consumer.producer.isLayerLive(layer, nowMs)) continue;
        const margin = layer === consumer.allocatedLayer ? KEEP_MARGIN : FIT_MARGIN;
        if (layerRate(consumer, layer, nowMs) * margin <= budget) {
          chosen = layer;
          break;
        }
      }
      // Nothing fits: video keeps playing on the lowest live layer rather than freezing.
      if (chosen < 0) chosen = consumer.producer.pickLayer(0, nowMs);
      chosen = this.holdUpgrade(consumer, chosen, nowMs);
      if (chosen >= 0) budget -= layerRate(consumer, chosen, nowMs);
      if (chosen !== consumer.allocatedLayer && log.isLevelEnabled('debug')) {
        log.debug({ consumer: consumer.id, from: consumer.allocatedLayer, to: chosen, ...this.describe(nowMs) }, 'layer allocation changed');
      }
      consumer.setAllocatedLayer(chosen, nowMs);
    }
    const tcc = transport.transportCc;
    if (log.isLevelEnabled('trace')) log.trace({ transport: transport.id, desiredBps: Math.round(desired), ...this.describe(nowMs) }, 'estimate');
    if (tcc.active(nowMs) && tcc.maybeProbe(desired, nowMs)) {
      transport.paceProbe();
      if (log.isLevelEnabled('debug')) log.debug({ transport: transport.id, desiredBps: Math.round(desired), probeBps: Math.round(tcc.probeRateBps), ...this.describe(nowMs) }, 'probing');
    }
  }

  /** The estimate's inputs, for debug logs (not on the packet path). */
  private describe(nowMs: number): Record<string, unknown> {
    const t = this.transport;
    const tcc = t.transportCc;
    return {
      estimateBps: Math.round(t.estimateBps(nowMs)),
      transportCc: tcc.active(nowMs),
      ackedBps: Math.round(tcc.ackedBps),
      tccLoss: Math.round(tcc.loss * 1000) / 1000,
      queueMs: Math.round(tcc.queueDelayMs),
      lastProbe: tcc.lastProbe,
      rrEstimateBps: Math.round(t.bandwidth.estimate),
      rrLoss: Math.round(t.bandwidth.loss * 1000) / 1000,
    };
  }

  /** Upgrades wait until the same higher choice held for UPGRADE_HOLD_MS; downgrades apply now. */
  private holdUpgrade(consumer: Consumer, chosen: number, nowMs: number): number {
    const current = consumer.allocatedLayer;
    let state = states.get(consumer);
    if (!state) {
      state = { upgradeCandidate: -1, upgradeSinceMs: 0 };
      states.set(consumer, state);
    }
    // Nothing allocated yet (-1: no layer was live): the first live layer is not an upgrade to hold.
    if (chosen <= current || current < 0) {
      state.upgradeCandidate = -1;
      return chosen;
    }
    if (state.upgradeCandidate !== chosen) {
      state.upgradeCandidate = chosen;
      state.upgradeSinceMs = nowMs;
      return current;
    }
    return nowMs - state.upgradeSinceMs >= UPGRADE_HOLD_MS ? chosen : current;
  }
}
